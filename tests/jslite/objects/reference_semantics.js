const a = { v: 1 };
const b = a;
b.v = 2;
function mut(o) {
	o.v = 3;
}
mut(a);
console.log(a.v, a === b, { v: 1 } === { v: 1 });

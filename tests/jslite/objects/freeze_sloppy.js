const o = Object.freeze({ a: 1 });
const r = Object.freeze(o);
o.a = 5;
console.log(r === o, o.a);

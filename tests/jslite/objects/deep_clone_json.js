const o = { a: [1, { b: 2 }], c: "x" };
const copy = JSON.parse(JSON.stringify(o));
copy.a[1].b = 99;
console.log(o.a[1].b, copy.a[1].b);

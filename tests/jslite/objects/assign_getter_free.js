const base = { a: 1, b: { c: 2 } };
const ext = Object.assign({}, base);
ext.b.c = 3;
ext.a = 5;
console.log(base.a, base.b.c);

const o = { a: { b: { c: [1, 2, { d: "deep" }] } } };
console.log(o.a.b.c[2].d, o.a.b.c.length);
o.a.b.e = { f: 1 };
console.log(JSON.stringify(o));

const o = { a: 1, b: [1, 2, { c: [] }], d: {}, e: "s" };
console.log(JSON.stringify(o, null, 2));
console.log(JSON.stringify([1, [2]], null, 4));
console.log(JSON.stringify(o, null, 0));
console.log(JSON.stringify({ a: 1 }, null, 20));

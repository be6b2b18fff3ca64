console.log(JSON.stringify({}), JSON.stringify({ a: 1, b: [1, 2], c: { d: null } }));
console.log(JSON.stringify({ u: undefined, f: () => 1, n: NaN, s: "x" }), JSON.stringify({ 2: "b", 1: "a", x: 0 }));

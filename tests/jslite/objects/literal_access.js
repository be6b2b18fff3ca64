const o = { a: 1, b: "two", "c d": 3, 4: "four" };
console.log(o.a, o.b, o["c d"], o[4], o["4"], o.missing);
console.log(JSON.stringify(o));

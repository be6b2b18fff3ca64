const pairs = [[1, { v: "a" }], [2, { v: "b" }]];
console.log(pairs.map(([n, { v }]) => v.repeat(n)).join(","));

const a = [1, 2, 3, 4];
console.log(a.reduce((s, x) => s + x), a.reduce((s, x) => s + x, 10), a.reduce((s, x, i) => s + i, ""));
console.log([[1, 2], [3]].reduce((acc, x) => acc.concat(x), []).join());
console.log(JSON.stringify(a.reduce((o, x) => { o[x] = x * x; return o; }, {})));

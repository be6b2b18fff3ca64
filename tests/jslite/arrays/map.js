const a = [1, 2, 3];
console.log(JSON.stringify(a.map((x) => x * 2)), JSON.stringify(a.map((x, i) => x + i)));
console.log(JSON.stringify(a.map((x, i, arr) => arr.length)), JSON.stringify(["1", "2", "3"].map(Number)));

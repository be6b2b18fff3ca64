const a = [0, -0, 0, -0];
a.sort((x, y) => x - y);
console.log(a.map((x) => Object.is(x, -0) ? "-0" : "0").join());

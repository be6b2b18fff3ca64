const a = [3, 1, 2];
a.sort(() => NaN);
console.log(a.join());

const a = [1, 5, 3, 8, 2];
console.log(a.findLast((x) => x > 4), a.findLastIndex((x) => x > 4), a.findLast((x) => x > 100));

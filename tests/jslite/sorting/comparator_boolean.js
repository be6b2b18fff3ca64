const a = [3, 1, 2, 5, 4];
console.log(a.sort((x, y) => x > y).join());
console.log([2, 1].sort((x, y) => x > y).join(), [1, 2, 3].sort(() => 0).join());

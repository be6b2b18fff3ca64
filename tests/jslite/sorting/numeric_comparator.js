const a = [10, 9, 1, 100, 25, -3, 0.5];
console.log(a.sort((x, y) => x - y).join(), a.sort((x, y) => y - x).join());

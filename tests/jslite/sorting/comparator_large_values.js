const a = [5, 1, 4, 2, 3];
console.log(a.sort((x, y) => (x - y) * 1000).join(), a.sort((x, y) => (y - x) / 1000).join());
console.log([3, 1, 2].sort((x, y) => (x < y ? -42 : x > y ? 42 : 0)).join());

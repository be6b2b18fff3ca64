const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
a.sort((x, y) => y - x);
console.log(a.join());
const b = ["b", "a"];
b.sort((x, y) => (x < y ? -1 : 1));
console.log(b.join());

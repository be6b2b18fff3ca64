const a = [3, undefined, 1, undefined, 2];
a.sort();
console.log(JSON.stringify(a), a.length);
const b = [3, undefined, 1];
b.sort((x, y) => y - x);
console.log(JSON.stringify(b));

const a = [2, 1];
const r = a.sort();
console.log(r === a, a.join());

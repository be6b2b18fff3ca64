const s = new Set();
s.add([1]);
s.add([1]);
const a = [2];
s.add(a);
s.add(a);
console.log(s.size);

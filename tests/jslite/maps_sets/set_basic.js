const s = new Set([1, 2, 2, 3]);
console.log(s.size, s.has(2), s.has(4));
s.add(4).add(1);
console.log(s.size, s.delete(1), s.delete(1), JSON.stringify([...s]));
s.clear();
console.log(s.size);

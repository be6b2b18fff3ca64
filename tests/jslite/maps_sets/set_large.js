const s = new Set();
for (let i = 0; i < 20000; i++) s.add(i % 1234);
console.log(s.size, s.has(1233), s.has(1234));

const a = [];
for (let i = 0; i < 1000; i++) a.push(i % 10);
const s = JSON.stringify(a);
console.log(s.length, s.slice(0, 21), JSON.parse(s).length);

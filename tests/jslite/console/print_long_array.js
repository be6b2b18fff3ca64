const a = [];
for (let i = 0; i < 30; i++) a.push(i * 1000);
console.log(a);
const b = [];
for (let i = 0; i < 120; i++) b.push(i);
console.log(b);

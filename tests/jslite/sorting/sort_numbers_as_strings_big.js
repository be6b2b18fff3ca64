const a = [];
for (let i = 0; i < 30; i++) a.push((i * 37) % 101);
console.log(a.sort().join(" "));

const a = [];
for (let i = 0; i < 50; i++) a.push(50 - i);
a.sort((x, y) => x - y);
console.log(a.slice(0, 5).join(), a.slice(45).join());

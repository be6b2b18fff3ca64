const fs = [];
for (const k in { p: 1, q: 2 }) fs.push(() => k);
console.log(fs.map((f) => f()).join());

const fs = [];
for (const [i, ch] of ["a", "b"].entries()) fs.push(() => ch + i);
console.log(fs.map((f) => f()).join());

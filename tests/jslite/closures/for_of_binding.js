const fs = [];
for (const x of ["a", "b", "c"]) fs.push(() => x);
console.log(fs.map((f) => f()).join());

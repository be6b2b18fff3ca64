let t = "";
for (let i = 0; i < 20000; i++) t += "x";
console.log(t.length, t.slice(0, 5));
let u = "";
for (let i = 0; i < 1000; i++) u = u + i;
console.log(u.length, u.slice(-10));

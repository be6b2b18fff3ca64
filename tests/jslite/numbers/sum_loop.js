let s = 0;
for (let k = 0; k < 1000; k++) s += k * 0.1;
console.log(s);
let t = 0;
for (let k = 1; k <= 100; k++) t += 1 / k;
console.log(t);

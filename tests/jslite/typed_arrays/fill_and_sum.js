const a = new Float64Array(10).fill(0.5);
let s = 0;
for (let i = 0; i < a.length; i++) s += a[i];
console.log(s);
const b = new Uint8Array(5).fill(7, 1, 3);
console.log(Array.from(b).join());

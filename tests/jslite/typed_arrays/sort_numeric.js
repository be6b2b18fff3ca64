const a = new Int32Array([10, 9, 1, 100, -5]);
a.sort();
console.log(a.join());
const f = new Float64Array([0.5, -0.5, 3]);
f.sort();
console.log(f.join());

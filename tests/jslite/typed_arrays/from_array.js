const a = new Uint8Array([1, 2, 300]);
const b = new Int32Array([1.5, -2.5]);
const c = Float64Array.from([1, 2, 3]);
console.log(Array.from(a).join(), Array.from(b).join(), Array.from(c).join());

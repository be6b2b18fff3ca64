const a = new Uint8Array([1, 2, 3, 200]);
const doubled = a.map((x) => x * 2);
console.log(doubled.join(), doubled instanceof Uint8Array, a.reduce((s, x) => s + x, 0));

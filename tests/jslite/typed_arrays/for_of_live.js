const t = new Uint8Array(3);
for (const x of t) { t[2] = 5; console.log(x); }
const f = new Float64Array([1.5, -0, NaN]);
for (const x of f) console.log(x, Object.is(x, -0));

// for loops that count up with i++ while i < a constant or a local (one fused
// instruction ends each iteration): strings, NaN, -0, fractions, a bound that moves,
// continue, break, per-iteration closures.
let out = [];
for (let i = 0; i < 3; i++) out.push(i);
for (let i = "1"; i < 4; i++) out.push(typeof i, i);
let n = 3;
for (let i = 0; i < n; i++) { if (i === 1) n = 5; out.push(i); }
for (let i = 5; i < 3; i++) out.push("never");
for (let i = 0; i < "3"; i++) out.push(i);
for (let i = 0; i < 10; i++) { if (i % 2) continue; if (i > 6) break; out.push(i); }
let fs = [];
for (let i = 0; i < 3; i++) fs.push(() => i);
out.push(fs.map(f => f()).join());
let j; for (j = 0; j < 3; j++) {} out.push(j);
for (let i = 0.5; i < 2; i++) out.push(i);
for (let i = NaN; i < 2; i++) out.push("nan");
for (let i = -0; i < 1; i++) out.push(1 / i);
console.log(out.join(" "));

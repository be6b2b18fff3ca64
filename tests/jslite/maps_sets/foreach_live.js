const q = new Set([0]);
let n = 0;
q.forEach(x => { q.delete(x); n++; if (x < 100) { q.add(x + 1); q.add(x + 1000); } });
console.log(n, q.size);
const m = new Map([[1, 1], [2, 2]]);
m.forEach((v, k) => { console.log(k); if (k === 1) { m.delete(2); m.set(3, 3); } });
const s = new Set(["a", "b"]);
s.forEach(x => { console.log(x); if (x === "a") { s.clear(); s.add("z"); } });
const w = new Set([1]);
try { w.forEach(x => { w.delete(x); w.add(x + 1); if (x === 50) throw new Error("stop at " + x); }); } catch (e) { console.log(e.message, w.size, [...w]); }
for (const x of w) { w.delete(x); if (x < 60) w.add(x + 1); }
console.log(w.size);

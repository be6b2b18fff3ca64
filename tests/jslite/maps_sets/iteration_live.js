const s = new Set([1, 2, 3]);
for (const x of s) { console.log(x); if (x === 1) { s.clear(); s.add(9); } }
const q = new Set([0]);
let n = 0;
for (const x of q) { q.delete(x); n++; if (x < 100) { q.add(x + 1); q.add(x + 1000); } }
console.log(n, q.size, [...q].slice(0, 5));
const m = new Map();
for (let i = 0; i < 20; i++) m.set(i, i * i);
outer: for (const [k, v] of m) { for (const [k2] of m) { if (k2 > 2) continue outer; if (k > 3) break outer; } console.log(k, v); }
function f() { for (const x of s) { return x; } }
console.log(f(), f());
const arr = [1, 2];
for (const x of arr) { if (arr.length < 5) arr.push(x * 10); console.log(x); }
for (const c of "héllo😀") console.log(c);
let tot = 0;
const big = new Map();
for (let i = 0; i < 100; i++) big.set(i, i);
for (const [k] of big) { big.delete(k); if (k < 1000) big.set(k + 100, 0); tot++; if (tot > 5000) break; }
console.log(tot, big.size);

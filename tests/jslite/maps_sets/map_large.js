const m = new Map();
for (let i = 0; i < 10000; i++) m.set("k" + i, i);
let s = 0;
for (const v of m.values()) s += v;
for (let i = 0; i < 10000; i += 2) m.delete("k" + i);
console.log(m.size, s, m.get("k9999"), m.get("k0"), [...m.keys()].slice(0, 3).join());

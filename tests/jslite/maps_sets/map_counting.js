const m = new Map();
for (const w of "to be or not to be".split(" ")) m.set(w, (m.get(w) || 0) + 1);
for (const [w, c] of m) console.log(w, c);

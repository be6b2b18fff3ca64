const k1 = { id: 1 }, k2 = { id: 1 };
const m = new Map([[k1, "one"]]);
console.log(m.get(k1), m.get(k2), m.has(k2));
m.set(k2, "two");
console.log(m.size, m.get(k2));
const f = () => 1;
m.set(f, "fn");
console.log(m.get(f));

const o = { a: 1, b: 2 };
const m = new Map(Object.entries(o));
const back = {};
for (const [k, v] of m) back[k] = v * 10;
console.log(m.get("b"), JSON.stringify(back));

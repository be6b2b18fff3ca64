const words = "a b a c b a".split(" ");
const c = {};
for (const w of words) c[w] = (c[w] ?? 0) + 1;
console.log(JSON.stringify(c), Object.entries(c).map(([k, v]) => k + v).join());

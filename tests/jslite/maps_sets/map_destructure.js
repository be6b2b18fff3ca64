const m = new Map([["k", [1, 2]]]);
for (const [key, [a, b]] of m) console.log(key, a + b);
const [[firstKey, firstVal]] = m;
console.log(firstKey, JSON.stringify(firstVal));

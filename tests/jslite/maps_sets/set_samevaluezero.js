const s = new Set([NaN, NaN, 0, -0, "0", undefined, null, undefined]);
console.log(s.size, s.has(NaN), s.has(-0));
console.log([...s].map((x) => String(x)).join());

const m = new Map(), s = new Set();
console.log(typeof m, m instanceof Map, s instanceof Set, m instanceof Set, Array.isArray(m));

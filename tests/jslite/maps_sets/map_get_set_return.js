const m = new Map();
console.log(m.set("a", 1) === m, new Set().add(1).size, m.get(undefined));
m.set(undefined, "u");
console.log(m.get(undefined), m.has(undefined), m.size);

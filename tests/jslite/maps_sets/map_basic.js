const m = new Map();
m.set("a", 1).set("b", 2);
console.log(m.size, m.get("a"), m.get("z"), m.has("b"), m.has("z"));
console.log(m.delete("a"), m.delete("a"), m.size);
m.clear();
console.log(m.size);

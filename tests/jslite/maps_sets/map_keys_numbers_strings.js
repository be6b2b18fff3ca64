const m = new Map();
m.set(1, "num");
m.set("1", "str");
m.set(1.0, "num again");
console.log(m.size, m.get(1), m.get("1"));

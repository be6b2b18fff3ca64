const m = new Map();
m.set(NaN, "nan");
m.set(0, "zero");
console.log(m.get(NaN), m.get(-0), m.size);
m.set(-0, "negzero");
console.log(m.get(0), m.size, Object.is([...m.keys()][1], 0));
m.set("0", "str");
console.log(m.size, m.get("0"), m.get(0));

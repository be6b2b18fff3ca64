const m = new Map();
for (const [k, v] of [["b", 2], ["a", 1], ["b", 1], ["a", 3]]) {
	if (!m.has(k)) m.set(k, []);
	m.get(k).push(v);
}
const keys = [...m.keys()].sort();
for (const k of keys) console.log(k, m.get(k).sort((x, y) => y - x).join());

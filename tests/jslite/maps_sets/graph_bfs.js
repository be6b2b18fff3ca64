const edges = [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["d", "e"]];
const adj = new Map();
for (const [u, v] of edges) {
	if (!adj.has(u)) adj.set(u, []);
	if (!adj.has(v)) adj.set(v, []);
	adj.get(u).push(v);
	adj.get(v).push(u);
}
const dist = new Map([["a", 0]]);
const q = ["a"];
while (q.length) {
	const u = q.shift();
	for (const v of adj.get(u)) if (!dist.has(v)) { dist.set(v, dist.get(u) + 1); q.push(v); }
}
console.log([...dist].map(([k, d]) => k + d).join(" "));

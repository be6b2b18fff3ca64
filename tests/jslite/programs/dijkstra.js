const g = { a: { b: 7, c: 9, f: 14 }, b: { a: 7, c: 10, d: 15 }, c: { a: 9, b: 10, d: 11, f: 2 }, d: { b: 15, c: 11, e: 6 }, e: { d: 6, f: 9 }, f: { a: 14, c: 2, e: 9 } };
const dist = {}, done = new Set();
for (const k of Object.keys(g)) dist[k] = Infinity;
dist.a = 0;
while (done.size < Object.keys(g).length) {
	let u = null;
	for (const k of Object.keys(g)) if (!done.has(k) && (u === null || dist[k] < dist[u])) u = k;
	done.add(u);
	for (const [v, w] of Object.entries(g[u])) if (dist[u] + w < dist[v]) dist[v] = dist[u] + w;
}
console.log(JSON.stringify(dist));

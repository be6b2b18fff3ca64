const items = [
	{ t: "fruit", n: "apple" }, { t: "veg", n: "kale" }, { t: "fruit", n: "fig" },
];
const g = {};
for (const it of items) {
	if (!(it.t in g)) g[it.t] = [];
	g[it.t].push(it.n);
}
console.log(JSON.stringify(g));

const rows = [
	{ a: 2, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "a" }, { a: 1, b: "b" },
];
rows.sort((p, q) => p.a - q.a || (p.b < q.b ? -1 : p.b > q.b ? 1 : 0));
console.log(rows.map((r) => r.a + r.b).join(" "));

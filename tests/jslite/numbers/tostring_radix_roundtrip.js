for (const n of [0, 1, 7, 255, 1000, 65535, 123456789, 2 ** 40 + 1]) {
	const parts = [];
	for (const r of [2, 3, 8, 16, 36]) {
		const s = n.toString(r);
		parts.push(s + (parseInt(s, r) === n ? "" : "!"));
	}
	console.log(n, parts.join(" "));
}

const m = new Map([[1, "a"], [2, "b"], [3, "c"]]);
for (const [k] of m) {
	if (k === 1) {
		m.delete(2);
		m.set(4, "d");
	}
	console.log(k);
}

function det(m) {
	if (m.length === 1) return m[0][0];
	let d = 0;
	for (let c = 0; c < m.length; c++) {
		const minor = m.slice(1).map((row) => row.filter((_, j) => j !== c));
		d += (c % 2 ? -1 : 1) * m[0][c] * det(minor);
	}
	return d;
}
console.log(det([[1, 2], [3, 4]]), det([[2, 0, 1], [1, 3, 2], [1, 1, 1]]), det([[1.5]]));

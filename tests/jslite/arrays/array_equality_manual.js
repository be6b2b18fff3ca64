function eq(a, b) {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}
console.log(eq([1, 2], [1, 2]), eq([1, 2], [2, 1]), eq([], []));

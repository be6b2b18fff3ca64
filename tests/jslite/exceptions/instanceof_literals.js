const cases = [() => ({}) instanceof 5, () => [] instanceof "x", () => 1 instanceof null, () => 1 instanceof undefined, () => 1 instanceof {}, () => 1 instanceof [], () => 1 instanceof true, () => 1 instanceof `t`];
for (const f of cases) {
	try {
		console.log(f());
	} catch (e) {
		console.log(e.name, e.message);
	}
}
let n = 0;
try {
	[n++] instanceof [n++];
} catch (e) {
	console.log(n, e.message);
}

const cases = [
	() => new Array(-1),
	() => [].length = 2 ** 32,
	() => (1).toFixed(200),
	() => (1).toString(40),
	() => "x".repeat(-2),
	() => new Uint8Array(-1),
];
for (const f of cases) {
	try {
		f();
	} catch (e) {
		console.log(e.name, e.message);
	}
}

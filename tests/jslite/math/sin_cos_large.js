for (const x of [1e6, 1e10, 1e22, 2 ** 60, 123456.789, Math.PI, Math.PI / 2, 1e300, -1e15 - 0.5]) {
	console.log(x, Math.sin(x), Math.cos(x), Math.tan(x));
}

for (const x of [1.4, 1.5, 1.6, -1.4, -1.5, -1.6, 0.5, -0.5, 2.5, -2.5, 1e16 + 0.5, 4503599627370495.5]) {
	console.log(x, Math.floor(x), Math.ceil(x), Math.round(x), Math.trunc(x));
}

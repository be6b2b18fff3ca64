const r = [1, 2, 3, 4, 5, 6]
	.filter((x) => x % 2 === 0)
	.map((x) => x * x)
	.reduce((s, x) => s + x, 0);
console.log(r);

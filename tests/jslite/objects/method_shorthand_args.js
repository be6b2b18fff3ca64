const calc = {
	add(a, b = 10) {
		return a + b;
	},
	sum(...xs) {
		return xs.reduce((s, x) => s + x, 0);
	},
};
console.log(calc.add(1), calc.add(1, 2), calc.sum(), calc.sum(1, 2, 3));

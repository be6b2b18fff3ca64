function f(first, ...rest) {
	return first + ":" + rest.length + ":" + rest.join("|");
}
console.log(f(1), f(1, 2), f(1, 2, 3, 4), f());
const g = (...all) => all.reduce((s, x) => s + x, 0);
console.log(g(), g(1, 2, 3));

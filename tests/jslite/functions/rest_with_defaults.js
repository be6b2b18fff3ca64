function f(a = 1, ...r) {
	return a + r.length;
}
console.log(f(), f(undefined, 1, 2), f(5, 1));

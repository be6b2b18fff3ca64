function f(a, b) {
	return String(a) + "," + String(b);
}
console.log(f(), f(1), f(1, 2, 3));

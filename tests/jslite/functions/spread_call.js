function f(a, b, c) {
	return a + b + c;
}
const args = [1, 2, 3];
console.log(f(...args), f(0, ...[5, 5]), f(..."abc"), Math.min(...[4, 2, 8]));

function f(a, b, c, d, e, g, h, i, j, k) {
	return a + b + c + d + e + g + h + i + j + k;
}
console.log(f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

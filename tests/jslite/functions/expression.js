const f = function (a) {
	return a + 1;
};
const g = function named(n) {
	return n <= 0 ? 0 : n + named(n - 1);
};
console.log(f(1), g(10), typeof f);

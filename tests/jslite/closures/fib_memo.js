const fib = (() => {
	const memo = [0, 1];
	return function f(n) {
		if (memo[n] === undefined) memo[n] = f(n - 1) + f(n - 2);
		return memo[n];
	};
})();
console.log(fib(50), fib(78));

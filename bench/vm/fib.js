// SPDX-License-Identifier: MIT
// fib(35): calls and small-integer arithmetic (JSLite and JavaScript: this file runs under both).
function fib(n) {
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}
console.log(fib(35));

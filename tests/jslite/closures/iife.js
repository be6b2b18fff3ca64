const r = (function () {
	const secret = 42;
	return secret * 2;
})();
console.log(r, (() => "arrow iife")(), (function (x) { return x + 1; })(1));

function curry(f, arity) {
	return function c(...args) {
		return args.length >= arity ? f(...args) : (...more) => c(...args, ...more);
	};
}
const sum3 = curry((a, b, c) => a + b + c, 3);
console.log(sum3(1)(2)(3), sum3(1, 2)(3), sum3(1)(2, 3), sum3(1, 2, 3));

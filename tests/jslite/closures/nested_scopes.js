function outer() {
	const a = 1;
	function mid() {
		const b = 2;
		function inner() {
			return a + b;
		}
		return inner;
	}
	return mid()();
}
console.log(outer());

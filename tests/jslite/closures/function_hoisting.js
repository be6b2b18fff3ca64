console.log(early(3));
function early(n) {
	return n * 2;
}
function outer() {
	return innerFn();
	function innerFn() {
		return "inner hoisted";
	}
}
console.log(outer());

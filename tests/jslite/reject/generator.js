// outside the subset: generator functions
function* count() {
	yield 1;
}

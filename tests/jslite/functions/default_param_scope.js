let x = "outer";
function f(a = x) {
	let x2 = "inner";
	return a + x2;
}
console.log(f(), f("arg"));

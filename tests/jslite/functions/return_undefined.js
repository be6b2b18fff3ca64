function f() {}
function g() {
	return;
}
console.log(f(), g(), typeof f());

console.log(v);
var v = 5;
console.log(v);
function g() {
	if (true) {
		var inner = "hoisted";
	}
	return inner;
}
console.log(g());

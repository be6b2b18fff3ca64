function a() {
	b();
}
function b() {
	c();
}
function c() {
	throw new RangeError("deep");
}
try {
	a();
} catch (e) {
	console.log(e.name, e.message);
}

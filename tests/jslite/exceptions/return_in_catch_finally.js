function f() {
	let x = 0;
	try {
		throw 1;
	} catch (e) {
		x = 10;
		return x;
	} finally {
		x = 20;
		console.log("finally x", x);
	}
}
console.log(f());

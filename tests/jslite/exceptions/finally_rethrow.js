function f() {
	try {
		throw new Error("inner");
	} finally {
		console.log("cleanup");
	}
}
try {
	f();
} catch (e) {
	console.log("outer caught", e.message);
}

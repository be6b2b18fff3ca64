try {
	try {
		throw new Error("a");
	} catch (e) {
		console.log("inner", e.message);
		throw new Error("b");
	} finally {
		console.log("inner finally");
	}
} catch (e) {
	console.log("outer", e.message);
} finally {
	console.log("outer finally");
}

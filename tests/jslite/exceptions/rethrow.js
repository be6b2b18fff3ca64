try {
	try {
		throw new TypeError("orig");
	} catch (e) {
		if (e instanceof TypeError) throw e;
	}
} catch (e2) {
	console.log("rethrown", e2.message);
}

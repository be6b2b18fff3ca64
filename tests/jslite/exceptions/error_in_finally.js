try {
	try {
		throw new Error("first");
	} finally {
		throw new Error("second");
	}
} catch (e) {
	console.log(e.message);
}

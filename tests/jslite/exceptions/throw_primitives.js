for (const v of [1, "str", null, undefined, true]) {
	try {
		throw v;
	} catch (e) {
		console.log(typeof e, String(e));
	}
}
try {
	throw { code: 42 };
} catch (e) {
	console.log(e.code);
}

function parseAge(s) {
	const n = Number(s);
	if (!Number.isInteger(n)) throw new TypeError("not an integer: " + s);
	if (n < 0 || n > 150) throw new RangeError("out of range: " + n);
	return n;
}
for (const s of ["42", "x", "-1", "3.5", "150"]) {
	try {
		console.log("ok", parseAge(s));
	} catch (e) {
		console.log(e.name, e.message);
	}
}

function f(x) {
	try {
		if (x) throw new Error("t");
		return "normal";
	} catch (err) {
		return "caught";
	} finally {
		console.log("finally runs for", x);
	}
}
console.log(f(false), f(true));

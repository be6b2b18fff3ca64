for (const s of ["01", "1.", ".5", "+1", "[1 2]", '{"a" 1}', "NaN", "undefined", '"\t"', "[", "{}x"]) {
	try {
		JSON.parse(s);
		console.log("parsed", s);
	} catch (e) {
		console.log(e.name, e.message);
	}
}

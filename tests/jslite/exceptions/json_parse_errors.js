for (const s of ["{", "[1,]", "", "{'a':1}", "tru", "1 2", '"\\x"']) {
	try {
		JSON.parse(s);
	} catch (e) {
		console.log(e.name, JSON.stringify(s), e.message);
	}
}

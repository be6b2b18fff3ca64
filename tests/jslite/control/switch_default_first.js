function f(x) {
	switch (x) {
		default:
			return "d";
		case "a":
			return "A";
		case "b":
			return "B";
	}
}
console.log(f("a"), f("b"), f("c"));

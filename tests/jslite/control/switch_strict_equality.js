function f(x) {
	switch (x) {
		case 1:
			return "num";
		case "1":
			return "str";
		case NaN:
			return "nan";
		case -0:
			return "zero";
	}
	return "none";
}
console.log(f(1), f("1"), f(NaN), f(0), f(-0), f(true));

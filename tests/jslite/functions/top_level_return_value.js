function f(x) {
	if (x > 0) {
		return "pos";
	} else if (x < 0) {
		return "neg";
	}
	return "zero";
}
console.log(f(1), f(-1), f(0), f(-0), f(NaN));

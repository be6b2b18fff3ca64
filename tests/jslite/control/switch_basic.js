function name(d) {
	switch (d) {
		case 0:
			return "sun";
		case 1:
			return "mon";
		case 2:
			return "tue";
		default:
			return "?";
	}
}
console.log(name(0), name(2), name(9), name("1"));

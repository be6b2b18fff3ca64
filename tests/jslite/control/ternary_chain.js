function grade(s) {
	return s >= 90 ? "A" : s >= 80 ? "B" : s >= 70 ? "C" : "F";
}
console.log([95, 85, 75, 10].map(grade).join());

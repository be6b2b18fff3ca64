function firstNeg(a) {
	for (const x of a) if (x < 0) return x;
	return null;
}
console.log(firstNeg([1, 2, -3, -4]), firstNeg([1]));

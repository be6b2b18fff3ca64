function gcd(a, b) {
	while (b) {
		const t = b;
		b = a % b;
		a = t;
	}
	return a;
}
console.log(gcd(48, 18), gcd(17, 5), gcd(0, 9), (12 * 18) / gcd(12, 18));

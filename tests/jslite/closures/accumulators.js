function acc(start) {
	let total = start;
	return {
		add(n) {
			total += n;
			return total;
		},
		reset() {
			total = start;
		},
	};
}
const a = acc(10);
a.add(5);
a.add(5);
console.log(a.add(0));
a.reset();
console.log(a.add(1));

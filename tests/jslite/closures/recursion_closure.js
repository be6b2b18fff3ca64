function makeFact() {
	const fact = (n) => (n <= 1 ? 1 : n * fact(n - 1));
	return fact;
}
console.log(makeFact()(10), makeFact()(20));

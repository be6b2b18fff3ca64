function memo(f) {
	const cache = new Map();
	return (n) => {
		if (!cache.has(n)) cache.set(n, f(n));
		return cache.get(n);
	};
}
let calls = 0;
const sq = memo((n) => {
	calls++;
	return n * n;
});
console.log(sq(4), sq(4), sq(5), calls);

const a = [];
for (const x of [5, 1, 4, 1, 5, 9, 2, 6]) {
	let lo = 0, hi = a.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (a[mid] <= x) lo = mid + 1;
		else hi = mid;
	}
	a.splice(lo, 0, x);
}
console.log(a.join());

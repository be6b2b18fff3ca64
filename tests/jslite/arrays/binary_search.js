function bs(a, x) {
	let lo = 0, hi = a.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (a[mid] === x) return mid;
		if (a[mid] < x) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}
const a = [];
for (let i = 0; i < 100; i++) a.push(i * 3);
console.log(bs(a, 0), bs(a, 150), bs(a, 297), bs(a, 298), bs([], 1));

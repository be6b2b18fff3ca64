function minmax(a) {
	return [Math.min(...a), Math.max(...a)];
}
const [lo, hi] = minmax([3, 9, -2, 7]);
console.log(lo, hi);
function info() {
	return { ok: true, count: 3 };
}
const { ok, count } = info();
console.log(ok, count);

function msort(a) {
	if (a.length < 2) return a;
	const m = a.length >> 1;
	const l = msort(a.slice(0, m)), r = msort(a.slice(m));
	const out = [];
	let i = 0, j = 0;
	while (i < l.length && j < r.length) out.push(l[i] <= r[j] ? l[i++] : r[j++]);
	while (i < l.length) out.push(l[i++]);
	while (j < r.length) out.push(r[j++]);
	return out;
}
const x = [5, 3, 9, 1, 1, 0, -4, 12, 7];
console.log(msort(x).join(), JSON.stringify(msort(x)) === JSON.stringify(x.slice().sort((a, b) => a - b)));

function qs(a) {
	if (a.length <= 1) return a;
	const p = a[0];
	const lt = a.slice(1).filter((x) => x < p);
	const ge = a.slice(1).filter((x) => x >= p);
	return [...qs(lt), p, ...qs(ge)];
}
let seed = 42;
function rnd() {
	seed = (seed * 1103515245 + 12345) % 2147483648;
	return seed % 1000;
}
const arr = [];
for (let i = 0; i < 200; i++) arr.push(rnd());
const s = qs(arr);
console.log(s.slice(0, 10).join(), s.slice(-5).join(), s.length);

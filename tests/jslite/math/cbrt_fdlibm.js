// Math.cbrt computes as V8's fdlibm port does (glibc's cbrt differs in the last digit:
// Math.cbrt(10) was 2.1544346900318834 here, 2.154434690031884 in node; found by fuzz-diff).
const xs = [10, 2, 3, 0.001, -27, 1e300, 1e-300, 5e-324, 2.2250738585072014e-308, -0, 0,
	Infinity, -Infinity, NaN, 0.5, 7, 100, 1000.5, -1e-10, 123456789, 1 / 3];
console.log(xs.map((x) => Math.cbrt(x)).join(" "), 1 / Math.cbrt(-0));
let s = 0, out = [];
for (let i = 1; i <= 4000; i++) {
	const v = Math.cbrt(i * 1.37) + Math.cbrt(-i / 7.3);
	s += v;
	if (i % 97 === 0)
		out.push(v);
}
console.log(s, out.join(" "));

// Math.log2 and Math.log10 compute as V8's fdlibm ports do (glibc's differ in the last
// digit for a few in a thousand arguments: log2 of 213.86 or so).
const xs = [8, 1024, 3, 10, 1000, 2, 0.5, 0.1, 1e-300, 5e-324, 2.2250738585072014e-308, 1e308,
	1, 0, -0, -1, Infinity, -Infinity, NaN, 1 / 3, 7, 1e21, 1e-7, 123456789, 0.999999];
console.log(xs.map((x) => Math.log2(x)).join(" "));
console.log(xs.map((x) => Math.log10(x)).join(" "));
let seed = 7, a = 0, b = 0, pick = [];
for (let i = 0; i < 3000; i++) {
	seed = (seed * 16807) % 2147483647;
	const x = (seed / 2147483647) * 10 ** ((i % 40) - 20);
	a += Math.log2(x);
	b += Math.log10(x);
	if (i % 50 === 0)
		pick.push(Math.log2(x), Math.log10(x));
}
console.log(a, b);
console.log(pick.join(" "));

// Math.hypot computes as V8 does (scaled, Kahan-summed squares, sqrt(sum) * max), not
// as a correctly rounded hypot: found by the differential fuzzer (hypot(3, 3)).
const cases = [[3, 3], [3, 4], [1, 1], [5, 12], [0.1, 0.2], [1e200, 1e200], [1e-200, 3e-200],
	[1, 2, 3], [2, 3, 6], [-3, 3], [7, 7, 7, 7], [0.5, 0.25, 0.125], [123456.789, 0.001],
	[], [0], [-0], [-0, -0], [5], [-5], [NaN, 1], [Infinity, NaN], [-Infinity, 2], ["3", "4"],
	[1e308, 1e308], [Number.MIN_VALUE, Number.MIN_VALUE], [2, "x"], [null, 4], [true, true]];
for (const c of cases)
	console.log(JSON.stringify(c), Math.hypot(...c));
let s = 0;
for (let i = 1; i < 300; i++)
	s += Math.hypot(i, i / 3, i % 7);
console.log(s);
console.log(1 / Math.hypot(-0), 1 / Math.hypot());

// A collection inside a callee with few registers must not lose the caller's
// values in registers past the callee's: here h's arguments 2..9 are written
// after g returns (g allocates enough to collect) and must arrive intact.
function g(n) {
	let keep = null;
	for (let i = 0; i < n; i++)
		keep = { i, next: i % 1000 === 0 ? null : keep };
	return keep.i;
}
function h(a, b, c, d, e, f, x, y, z) {
	return [a, b, c, d, e, f, x, y, z].join(",");
}
for (let k = 0; k < 4; k++)
	console.log(h(g(150000 + k), "b" + k, 3, 4, 5, "f", 7, 8, 9 + k));

// SPDX-License-Identifier: MIT
// binary-trees(16) (the Benchmarks Game's algorithm): allocation of many
// short-lived object literals {l, r} and a recursive walk; the garbage collector's test.
function bottomUp(d) {
	if (d === 0)
		return { l: null, r: null };
	return { l: bottomUp(d - 1), r: bottomUp(d - 1) };
}

function check(t) {
	if (t.l === null)
		return 1;
	return 1 + check(t.l) + check(t.r);
}

const maxDepth = 16;
const stretch = maxDepth + 1;
console.log("stretch tree of depth " + stretch + "\t check: " + check(bottomUp(stretch)));
const longLived = bottomUp(maxDepth);
for (let d = 4; d <= maxDepth; d += 2) {
	const iters = 2 ** (maxDepth - d + 4);
	let c = 0;
	for (let i = 0; i < iters; i++)
		c += check(bottomUp(d));
	console.log(iters + "\t trees of depth " + d + "\t check: " + c);
}
console.log("long lived tree of depth " + maxDepth + "\t check: " + check(longLived));

// The "<ref *1>" node prints before an object a cycle leads back to counts against the
// 80-column line, as node's base does (found by the differential fuzzer).
for (let n = 0; n < 12; n++) {
	const o = { key: "x".repeat(n * 3), k1: 33, b: true };
	o.self = o;
	console.log(o);
	console.log({ outer: 1, inner: o });
	const a = [1, 2, "y".repeat(n * 4)];
	a.push(a);
	console.log(a);
}

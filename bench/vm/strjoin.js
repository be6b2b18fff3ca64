// SPDX-License-Identifier: MIT
// Build a 1M-element array of strings ("item" + i) and join it, three times:
// number-to-string conversion, concatenation, array growth, one big join.
let total = 0;
for (let r = 0; r < 3; r++) {
	const a = [];
	for (let i = 0; i < 1000000; i++)
		a.push("item" + i);
	const s = a.join(",");
	total += s.length;
}
console.log(total);

// SPDX-License-Identifier: MIT
// JSON round trip of a 10 MB document, twice: JSON.stringify of 65k records,
// JSON.parse of the text, a walk over the parsed records, JSON.stringify again.
const recs = [];
for (let i = 0; i < 65000; i++) {
	recs.push({ id: i, name: "record number " + i, tags: ["alpha", "beta" + (i % 10), "gamma"],
		    value: (i * 7919) % 100003, ratio: (i % 1000) / 8, active: i % 3 === 0,
		    pos: { x: i % 1000, y: (i * 31) % 977, label: "p" + (i % 97) } });
}
let out = "";
for (let r = 0; r < 2; r++) {
	const text = JSON.stringify(recs);
	const back = JSON.parse(text);
	let sum = 0;
	for (let i = 0; i < back.length; i++)
		sum += back[i].value + back[i].pos.x + back[i].ratio;
	const again = JSON.stringify(back);
	out = text.length + " " + (again.length === text.length) + " " + sum;
}
console.log(out);

// Comparisons with a number constant too large for an immediate (JLTK/JLEK/JGTK/JGEK):
// every kind of left operand, both branch directions, in conditions and loops.
const xs = [0, -0, 1, 999, 1000, 1000.5, -1000, 1e9, NaN, Infinity, "1000", "abc", "", null, undefined, true, [1000], [], {}, [999, 1]];
const rows = [];
for (const x of xs) {
	const r = [];
	if (x < 1000) r.push("lt"); else r.push("!lt");
	if (x <= 1000) r.push("le"); else r.push("!le");
	if (x > 1000) r.push("gt"); else r.push("!gt");
	if (x >= 1000) r.push("ge"); else r.push("!ge");
	r.push(x < -1.5e300 ? 1 : 0, x >= 2.5 ? 1 : 0, !(x > 0.125) ? 1 : 0, x <= 1e400 ? 1 : 0);
	rows.push(r.join(""));
}
console.log(rows.join("\n"));
let n = 0, s = 0;
for (let i = 0; i < 100000; i += 7) n++;
for (let i = 250000; i >= 1000.5; i -= 333.25) s += i;
while (s > 123456.75) s /= 3;
console.log(n, s);

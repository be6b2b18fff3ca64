// Shortest round-trip printing of many fractions (the fast path of vm/value.c for few
// decimals, and its fallback), integers and JSON numbers: must equal node digit for digit.
const divs = [2, 3, 7, 8, 10, 100, 1000, 1e6, 1024, 3.3, 0.1, 1e-5, 1e10, 97];
let out = [];
let seed = 1;
for (let i = 0; i < 800; i++) {
	seed = (seed * 16807) % 2147483647;
	const a = seed % 1000003, d = divs[i % divs.length];
	out.push(String(a / d), String(-a / d / 1000), String(Math.sin(i) * 10 ** (i % 30 - 12)), String((i % 5000) / 8 + 0.1 * (i % 7)), String(a * 1e-3), String(i / 1e15 + 0.5));
	if (out.length > 3000) { console.log(out.join(" ")); out = []; }
}
console.log(out.join(" "));
console.log(JSON.stringify([0.1, 0.2, 0.30000000000000004, 1e21, 1.5e-7, 123.456, 5e-324, 2 ** -24, 0.000001, 1e-7, 4.35, 0.3, 2.675, 1.005, 1e15 + 0.5, 999999999999999.9, 0.1 + 0.7]));
const parsed = JSON.parse("[0.1,12.125,-0,-0.5,123456789012345,1234567890123456,0.30000000000000004,1e5,1.5e-7,9007199254740993,0.0000001,-12.5e1,3.14159265358979323846]");
console.log(parsed.map((x) => String(x)).join(" "), 1 / parsed[2]);

const hi = "\uD83D", lo = "\uDE00", smile = "😀", pua = "\uE000", ffff = "\uFFFF";
const xs = [smile, pua, ffff, hi, lo, "z", "é", "\u07FF", "\u0800", "😀a", "😁", "\u{10000}", hi + "a", "𝒜"];
console.log(xs.slice().sort().map((s) => [...s].map((c) => c.codePointAt(0).toString(16)).join("+")).join(" "));
for (const [a, b] of [[smile, pua], [hi, smile], [lo, smile], [smile, smile + "a"], [hi + "a", smile], ["\u07FF", "\u0800"], ["𝒜", "😀"]])
	console.log(a < b, a > b, a <= b, a >= b, a === b);
console.log([smile, ffff, pua].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((s) => s.charCodeAt(0)).join());
console.log(["b😀", "b\uFFFF", "a"].sort().map((s) => s.length).join(), [hi + lo] < [ffff]);

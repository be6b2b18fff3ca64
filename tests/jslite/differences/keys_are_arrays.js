// man jslite(7), DEVIATIONS FROM NODE: keys(), values() and entries() of Maps and
// Sets return arrays (copies): a for-of over m.keys() does not see an entry the
// loop adds (a for-of over m itself does), and console.log prints an array
const m = new Map([[1, "a"]]);
for (const k of m.keys()) {
	if (k < 3) m.set(k + 1, "b");
	console.log(k);
}
console.log(m.keys(), new Set([5]).values());
console.log([...m.keys()], Array.from(m.values()));

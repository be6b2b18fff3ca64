console.log("abc".valueOf(), (5).valueOf(), true.valueOf(), (-0).valueOf() === 0);
console.log([1, 2].valueOf().length, ({ a: 1 }).valueOf().a, new Map([[1, 2]]).valueOf().size);
const o = { valueOf() { return 42; } };
console.log(o.valueOf(), String.fromCodePoint(), String.fromCodePoint(65, 0x1f600).length);
try {
	String.fromCodePoint(0x110000);
} catch (e) {
	console.log(e.name, e.message);
}
try {
	String.fromCodePoint(1.5);
} catch (e) {
	console.log(e.name, e.message);
}
console.log(String.fromCodePoint(0xd83d, 0xde00) === "😀", String.fromCodePoint(0xd83d).length);

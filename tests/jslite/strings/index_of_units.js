const s = "é😀x😀é";
for (const from of [undefined, -3, 0, 1, 2, 3, 4, 5, 6, 7, 100, NaN, 2.9, Infinity, -Infinity])
	console.log(from, s.indexOf("😀", from), s.lastIndexOf("😀", from), s.indexOf("", from), s.lastIndexOf("", from),
		s.indexOf("\uDE00", from), s.lastIndexOf("\uD83D", from), s.includes("é", from));
const t = "abcabc";
console.log(t.lastIndexOf("c", 4), t.lastIndexOf("abc", 2), t.lastIndexOf("abc", 3), t.lastIndexOf("x"), t.lastIndexOf("", 2), t.lastIndexOf("abcabcd"));
console.log("😀😀".replaceAll("", "."), "a😀".replace("", "-"), "😀".replaceAll("", "").length, "😀".split("").length);
console.log(JSON.stringify("é😀".replaceAll("", (m, i) => i)));

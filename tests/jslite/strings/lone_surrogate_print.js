const s = "😀";
console.log(s[0]);
console.log(s[1]);
console.log("x" + s[0] + "y", s.slice(1), s.slice(0, 1).length);
console.log("\uD800", "\uDFFF".length);

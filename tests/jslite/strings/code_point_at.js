const s = "a\u{10348}b";
console.log(s.codePointAt(0), s.codePointAt(1), s.codePointAt(2), s.codePointAt(3), s.codePointAt(4));
console.log("".codePointAt(0), "€".codePointAt(0).toString(16));

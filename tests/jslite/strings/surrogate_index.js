const s = "😀";
console.log(s[0] + s[1] === s, s.charCodeAt(0), s.charCodeAt(1), s.codePointAt(0), s.codePointAt(1));
console.log("a😀".charCodeAt(1).toString(16), "a😀".codePointAt(1).toString(16));

const s = "hello";
console.log(s.charAt(0), s.charAt(4), s.charAt(5) === "", s.charAt(-1) === "", s[1], s[10]);
console.log(s.charCodeAt(0), s.charCodeAt(99), s.at(0), s.at(-1), s.at(-5), s.at(5));

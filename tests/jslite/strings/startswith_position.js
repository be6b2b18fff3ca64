const s = "abcabc";
console.log(s.startsWith("abc", 3), s.startsWith("abc", 4), s.startsWith("a", -1), s.endsWith("ab", 2));

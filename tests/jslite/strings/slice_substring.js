const s = "abcdefgh";
console.log(s.slice(2), s.slice(2, 5), s.slice(-3), s.slice(-3, -1), s.slice(5, 2), s.slice(100));
console.log(s.substring(2), s.substring(5, 2), s.substring(-3), s.substring(2, NaN), s.substring(1, 1));

const s = "abc";
console.log(s.at(-1), s.at(-3), s.at(-4), s.at(1.7), s.at("1"), s.at(NaN));

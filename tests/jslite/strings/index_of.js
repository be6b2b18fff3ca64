const s = "the cat sat on the mat";
console.log(s.indexOf("at"), s.indexOf("at", 6), s.indexOf("dog"), s.indexOf(""), s.indexOf("", 100));
console.log(s.lastIndexOf("at"), s.lastIndexOf("at", 10), s.lastIndexOf("the"), s.lastIndexOf(""));
console.log(s.indexOf("at", -5), s.lastIndexOf("t", 0));

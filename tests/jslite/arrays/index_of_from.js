const a = ["a", "b", "a", "b"];
console.log(a.indexOf("a", 1), a.indexOf("a", -1), a.lastIndexOf("b", -2), a.indexOf("b", 10), a.lastIndexOf("a", -10));

console.log("abc".includes("c", 3), "abc".includes("c", 2), "abc".includes("a", -10));
console.log("aaa".indexOf("aa", 1), "aaa".lastIndexOf("aa"), "abc".indexOf("c", -1));

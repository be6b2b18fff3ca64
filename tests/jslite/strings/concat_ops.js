let s = "a";
s += "b";
s = s + 1 + 2;
console.log(s, 1 + 2 + "3", "3" + 1 + 2, "x" + null + undefined + true);
console.log("a".concat("b", 1, null), "".concat());

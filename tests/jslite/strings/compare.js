console.log("a" < "b", "a" < "B", "abc" < "abd", "abc" < "ab", "" < "a", "Z" < "a");
console.log("10" > "9", "é" > "z", "\uFFFF" > "😀", "😀" > "\uE000");
console.log("abc" === "abc", "abc" == "abc", "a" !== "A");

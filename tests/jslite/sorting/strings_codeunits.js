console.log(["é", "z", "a", "Z", "😀", "\uFFFF"].sort().map((s) => s.charCodeAt(0)).join());
console.log(["aa", "a", "ab", "", "b"].sort().join("|"));

console.log(JSON.stringify("".split(",")), JSON.stringify("".split("")), JSON.stringify("abc".split()));
console.log(JSON.stringify(",".split(",")), JSON.stringify("abc".split("abc")), JSON.stringify("abc".split("abcd")));
console.log(JSON.stringify("a,b".split(",", 0)), JSON.stringify("a,b".split(",", -1)), JSON.stringify("aaa".split("a")));
console.log(JSON.stringify("😀x".split("")), "😀".split("").length, JSON.stringify("a,b".split(undefined)));

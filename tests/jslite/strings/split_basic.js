console.log(JSON.stringify("a,b,c".split(",")), JSON.stringify("a,b,c".split(",", 2)));
console.log(JSON.stringify("abc".split("")), JSON.stringify("a b  c".split(" ")));
console.log(JSON.stringify("one--two--".split("--")));

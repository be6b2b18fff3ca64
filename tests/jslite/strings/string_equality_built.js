const a = "ab" + "cd";
const b = ["a", "b", "c", "d"].join("");
console.log(a === b, a == b, a.length === b.length);

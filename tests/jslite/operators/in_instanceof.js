const a = [1];
const m = new Map();
console.log("0" in a, 1 in a, "push" in a, a instanceof Array, m instanceof Map, m instanceof Object);
console.log(new RangeError("x") instanceof Error, new Error("x") instanceof RangeError);

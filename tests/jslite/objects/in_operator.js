const o = { a: undefined, 0: 1 };
console.log("a" in o, "b" in o, 0 in o, "0" in o);
const arr = [1, 2];
console.log(0 in arr, 2 in arr, "length" in arr);

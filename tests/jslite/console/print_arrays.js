console.log([1, 2, 3]);
console.log([]);
console.log(["a", "b"]);
console.log([1, [2, [3, [4]]]]);
console.log([undefined, null, -0, NaN]);

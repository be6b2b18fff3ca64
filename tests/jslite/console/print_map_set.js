console.log(new Map([["a", 1], [2, "b"]]));
console.log(new Set([1, "two", [3]]));
console.log(new Map());
console.log(new Set());

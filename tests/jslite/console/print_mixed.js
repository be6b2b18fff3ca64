console.log("arr:", [1, "x"], "obj:", { k: [true] });
console.log([{ a: 1 }, { b: 2 }]);

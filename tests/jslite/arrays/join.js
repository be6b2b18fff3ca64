console.log([1, 2, 3].join(), [1, 2, 3].join(""), [1, 2, 3].join(" - "), [].join(), [null, undefined, 1].join("-"));
console.log([[1, 2], [3]].join(";"), ["a"].join(","), [1.5, -0, NaN].join(" "), [true, "x"].join());

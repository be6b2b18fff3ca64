console.log("a".localeCompare("b"), "b".localeCompare("a"), "a".localeCompare("a"));
console.log(["b", "a", "c"].sort((x, y) => x.localeCompare(y)).join(""));

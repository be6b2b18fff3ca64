console.log(parseInt("1".repeat(60), 2), parseInt("7".repeat(25), 8), parseInt("f".repeat(16), 16));
console.log(parseInt("2".repeat(40), 3), parseInt("z".repeat(15), 36), parseInt("6".repeat(30), 7));
console.log(parseInt("20000000000001", 16), parseInt("20000000000003", 16), parseInt("200000000000008000001", 16));

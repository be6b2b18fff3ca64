console.log([10, 9, 1, 100, 25].sort().join(), ["b", "a", "C", "B"].sort().join());
console.log([true, false, "t"].sort().join(), [-1, -2, 3].sort().join());

const words = ["b", "a", "b", "c", "a"];
console.log([...new Set(words)].join(), Array.from(new Set([3, 1, 3, 2, 1])).sort().join());

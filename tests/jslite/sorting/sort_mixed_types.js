console.log([3, "2", 1, "10"].sort().join(), [null, "m", "o", "n"].sort().join());

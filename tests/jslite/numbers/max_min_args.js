console.log(Math.max(), Math.min(), Math.max(1, 2, 3), Math.min(-1, -2, -3));
console.log(Math.max("10", 9), Math.min(undefined, 1), Math.max(-0, 0, -0));

const a = [3, -7, 12.5, 0, -0];
console.log(Math.max(...a), Math.min(...a), Object.is(Math.max(-0, 0), 0), Object.is(Math.min(0, -0), -0));

console.log(NaN + 1, NaN * 0, undefined + 1, "a" * 2);
console.log(Infinity - Infinity, Infinity * 0, Infinity / Infinity);
console.log(NaN < 1, NaN > 1, NaN <= NaN, Math.max(1, NaN), Math.min(NaN, 1));

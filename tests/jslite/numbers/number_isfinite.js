console.log(Number.isFinite(1), Number.isFinite("1"), Number.isFinite(NaN), Number.isFinite(-Infinity));
console.log(isFinite("1"), isFinite(null), isFinite(undefined), isFinite(""));

let n = NaN;
console.log(n, n === n, n !== n, n == n);
console.log(isNaN(n), Number.isNaN(n), isNaN("abc"), Number.isNaN("abc"));
console.log(Object.is(NaN, NaN), 0 / 0, Math.sqrt(-1));

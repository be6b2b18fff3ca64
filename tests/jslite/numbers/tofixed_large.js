console.log((1e20).toFixed(2), (123456789.123456789).toFixed(5));
console.log((2 ** 60).toFixed(0), (9.999999).toFixed(3), (99.995).toFixed(2));
console.log((NaN).toFixed(2), (Infinity).toFixed(1));

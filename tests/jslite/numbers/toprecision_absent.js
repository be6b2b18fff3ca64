console.log((1234.5678).toFixed(1), (0.000123).toFixed(6), (1.23e-10).toFixed(12));
console.log((5e-7).toFixed(6), (5e-7).toFixed(7), (-1.23456e-5).toFixed(3));

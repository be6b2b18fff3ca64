console.log((1.5).toFixed(0), (2.5).toFixed(0), (1.45).toFixed(1), (1.55).toFixed(1));
console.log((0).toFixed(2), (123.456).toFixed(2), (0.000001).toFixed(7));
console.log((1e21).toFixed(2), (-1.5).toFixed(0), (-0).toFixed(2));

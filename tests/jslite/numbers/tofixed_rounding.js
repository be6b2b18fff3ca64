console.log((1.005).toFixed(2), (1.255).toFixed(2), (8.345).toFixed(2));
console.log((10.235).toFixed(2), (0.5).toFixed(0), (-0.5).toFixed(0));
console.log((123.456789).toFixed(10), (0.1).toFixed(20));

console.log((0.5).toString(2), (0.1).toString(2), (3.75).toString(16));
console.log((0.1).toString(3), (-10.25).toString(4), (1 / 3).toString(36));

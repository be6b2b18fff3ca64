console.log((1e21).toString(16), (2 ** 64).toString(16), (2 ** 64).toString(36));
console.log((-(2 ** 31)).toString(2), (4294967295).toString(16));

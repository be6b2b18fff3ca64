let v = 12.5;
console.log(v.toString(), v.toFixed(1), v.toString(2));
console.log((7).toString(7), 3..toString(), (1e100).toString(36).length);

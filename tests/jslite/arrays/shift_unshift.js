const a = [1, 2, 3];
console.log(a.shift(), JSON.stringify(a), a.unshift(0, 0.5), JSON.stringify(a));
console.log([].shift(), a.unshift(), a.length);

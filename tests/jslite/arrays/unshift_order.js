const a = [3];
a.unshift(1, 2);
a.unshift(0);
console.log(a.join());

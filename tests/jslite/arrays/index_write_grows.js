const a = [];
a[0] = "x";
a[2] = "z";
console.log(a.length, a[1], JSON.stringify(a));

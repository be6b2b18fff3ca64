const a = [1, 2, 3, 4, 5];
a.length = 2;
console.log(JSON.stringify(a), a.length);
a.length = 4;
console.log(a.length, a[3], JSON.stringify(a));
a.length = 0;
console.log(JSON.stringify(a));

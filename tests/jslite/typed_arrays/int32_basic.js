const a = new Int32Array(4);
a[0] = 2 ** 31;
a[1] = -(2 ** 31) - 1;
a[2] = 3.99;
a[3] = 2 ** 32 + 7;
console.log(Array.from(a).join(), a.length);

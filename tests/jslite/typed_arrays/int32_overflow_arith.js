const a = new Int32Array(1);
a[0] = 2147483647;
a[0] += 1;
console.log(a[0]);
a[0] = -2147483648;
a[0] -= 1;
console.log(a[0]);

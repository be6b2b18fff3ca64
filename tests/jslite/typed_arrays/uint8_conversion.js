const a = new Uint8Array(6);
a[0] = 1.7;
a[1] = -1.7;
a[2] = NaN;
a[3] = 300;
a[4] = "12";
a[5] = Infinity;
console.log(Array.from(a).join());

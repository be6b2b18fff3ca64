const a = new Uint8Array(4);
a[0] = 1;
a[1] = 255;
a[2] = 256;
a[3] = -1;
console.log(a.length, a[0], a[1], a[2], a[3], a[4]);

const a = new Float64Array(3);
a[0] = 1 / 3;
a[1] = 2 ** -1074;
a[2] = 1.7976931348623157e308;
console.log(a[0], a[1], a[2]);

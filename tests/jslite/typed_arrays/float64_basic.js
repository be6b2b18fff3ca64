const a = new Float64Array([0.1, -0, NaN, 1e300]);
a[0] += 0.2;
console.log(a[0], Object.is(a[1], -0), a[2], a[3] * 10, a.length);

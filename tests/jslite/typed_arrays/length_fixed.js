const a = new Float64Array(3);
a[5] = 1;
console.log(a.length, a[5], Array.isArray(a), typeof a);

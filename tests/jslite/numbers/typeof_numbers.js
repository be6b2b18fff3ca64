console.log(typeof 1, typeof NaN, typeof Infinity, typeof -0, typeof (1 / 0));
console.log(typeof Number("1"), typeof String(1), typeof Boolean(1));

console.log(Infinity, -Infinity, 1 / 0, -1 / 0);
console.log(Infinity + 1, Infinity > 1e308, -Infinity < -1e308);
console.log(isFinite(Infinity), isFinite(1), Number.isFinite("5"), isFinite("5"));
console.log(2 ** 1024, -(2 ** 1024), 1e308 * 10);

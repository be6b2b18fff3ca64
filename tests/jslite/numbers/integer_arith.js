let a = 7, b = 3;
console.log(a + b, a - b, a * b, a / b, a % b, a ** b);
console.log(-a % b, a % -b, -a / b, 2 ** 31 * 2, (2 ** 31) | 0);

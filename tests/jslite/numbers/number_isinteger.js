console.log(Number.isInteger(5), Number.isInteger(5.0), Number.isInteger(5.5), Number.isInteger("5"));
console.log(Number.isInteger(NaN), Number.isInteger(Infinity), Number.isInteger(-0), Number.isInteger(2 ** 60));
console.log(Number.isSafeInteger(2 ** 53), Number.isSafeInteger(2 ** 53 - 1));

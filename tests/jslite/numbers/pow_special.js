console.log(Math.pow(0, -1), Math.pow(-0, -1), Math.pow(-0, -2), Math.pow(-0, 3));
console.log(Math.pow(Infinity, -1), Math.pow(-Infinity, 3), Math.pow(-Infinity, 2));
console.log(Math.pow(-1, Infinity), Math.pow(0.5, Infinity), Math.pow(2, -Infinity));
console.log(Math.pow(-2, 0.5), Math.pow(NaN, 0), Math.pow(1, NaN));

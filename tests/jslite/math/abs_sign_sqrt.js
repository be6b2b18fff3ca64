console.log(Math.abs(-3), Math.abs("-2"), Math.abs(null), Math.abs(-Infinity), Math.abs("x"));
console.log(Math.sign(3), Math.sign(-3), Math.sign(0), Math.sign("-0"), Math.sign(NaN));
console.log(Math.sqrt(2), Math.sqrt(16), Math.sqrt(-1), Math.sqrt(Infinity), Math.sqrt(1e-310));

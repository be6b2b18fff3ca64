console.log(Math.log(1e-300), Math.log(5e-324), Math.log(1e300), Math.log(0.5), Math.log(1 + 1e-15));
console.log(Math.log(Infinity), Math.log(NaN), Math.log(-0), Math.log(0.9999999999));

console.log(Math.exp(0), Math.exp(-0), Math.exp(1e-10), Math.exp(-1e-10), Math.exp(0.5), Math.exp(-0.5));
console.log(Math.exp(Infinity), Math.exp(-Infinity), Math.exp(NaN), Math.exp(100), Math.exp(-100));

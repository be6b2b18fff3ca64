console.log(Math.round(0.5), Math.round(1.5), Math.round(2.5), Math.round(-1.5), Math.round(-2.5));
console.log(Math.round(0.49999999999999994), Math.round(2 ** 52 + 0.5), Math.round(-0.0000001));

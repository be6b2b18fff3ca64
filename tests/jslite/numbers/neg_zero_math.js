console.log(Math.round(-0.4), Math.round(-0.5), Math.round(-0.6));
console.log(Math.ceil(-0.5), Math.floor(-0), Math.trunc(-0.9));
console.log(Math.sign(-0), Math.abs(-0), Math.min(0, -0), Math.max(-0, 0));
console.log(Math.sqrt(-0), -0 * 3, 3 * -0);

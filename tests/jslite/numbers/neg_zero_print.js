console.log(-0, 0 * -1, -0 + 0, -0 - 0, 0 / -5);
console.log(String(-0), "" + -0, (-0).toString());
console.log(Object.is(-0, 0), 1 / -0, 1 / (0 * -1));

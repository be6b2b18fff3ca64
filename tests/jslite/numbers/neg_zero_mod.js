let z = -0;
console.log(z % 1, 1 / (z % 1));
console.log(-4 % 2, 1 / (-4 % 2));
console.log(-5 % 5, 5 % -5, -1 % 1);
console.log(-0.5 % 1, 7.5 % -2);

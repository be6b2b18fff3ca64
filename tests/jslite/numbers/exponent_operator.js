console.log(2 ** 10, (-2) ** 3, 2 ** -1, 2 ** 0.5, 4 ** 0.5);
console.log(10 ** -5, 10 ** 21, 10 ** 22, 10 ** -7, 3 ** 40);
console.log(0 ** 0, NaN ** 0, 1 ** NaN, 1 ** Infinity, (-8) ** (1 / 3));
let p = 3;
p **= 2;
console.log(p, 2 ** 3 ** 2);

const [a, b, c] = [1, 2, 3];
const [x, , z] = [1, 2, 3];
const [p, q] = [1];
console.log(a, b, c, x, z, p, q);

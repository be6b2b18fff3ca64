const [a = 10, b = 20, ...rest] = [1, undefined, 3, 4, 5];
console.log(a, b, JSON.stringify(rest));
const [...all] = "hi";
console.log(JSON.stringify(all));

let a = 1, b = 2;
[a, b] = [b, a];
console.log(a, b);
let x, y;
({ x, y = 5 } = { x: 1 });
console.log(x, y);
const o = {};
[o.first, o.second] = ["f", "s"];
console.log(JSON.stringify(o));

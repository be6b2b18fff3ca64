let x = 1;
const f = () => x;
x = 2;
console.log(f());
x = 3;
console.log(f());

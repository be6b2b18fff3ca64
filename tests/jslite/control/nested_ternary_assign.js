let a = 5, b;
b = a > 3 ? (a > 4 ? "big" : "mid") : "small";
console.log(b);

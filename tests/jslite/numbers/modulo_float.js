console.log(5.5 % 1, -5.5 % 1, 10 % 3.3, 1e20 % 7, 0.3 % 0.1);
console.log(Infinity % 2, 2 % Infinity, 2 % 0, 0 % 2);

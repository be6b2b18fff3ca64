let a = (1, 2, 3);
console.log(a, void 0, void "x", typeof void 0);
let i, j;
for (i = 0, j = 10; i < j; i += 4, j -= 4);
console.log(i, j);

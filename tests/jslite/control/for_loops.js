for (let i = 0; i < 3; i++) console.log("a", i);
for (let i = 10, j = 0; i > j; i -= 3, j++) console.log("b", i, j);
let k = 0;
for (;;) {
	if (++k > 2) break;
}
console.log(k);

let sum = 0;
const idx = [];
[10, 20, 30].forEach((x, i) => {
	sum += x;
	idx.push(i);
});
console.log(sum, idx.join(), [1].forEach(() => 1));

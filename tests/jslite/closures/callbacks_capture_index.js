const out = [];
[10, 20, 30].forEach((v, i) => {
	out.push(() => v + i);
});
console.log(out.map((f) => f()).join());

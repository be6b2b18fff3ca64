const fs = [];
let i = 0;
while (i < 3) {
	const j = i;
	fs.push(() => j * 10);
	i++;
}
console.log(fs.map((f) => f()).join());

const fs = [];
for (let i = 0; i < 10; i++) {
	if (i === 3) break;
	fs.push(() => i);
}
console.log(fs.map((f) => f()).join());

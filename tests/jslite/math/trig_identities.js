let maxErr = 0;
for (let i = 0; i < 100; i++) {
	const x = i * 0.1;
	const e = Math.abs(Math.sin(x) ** 2 + Math.cos(x) ** 2 - 1);
	if (e > maxErr) maxErr = e;
}
console.log(maxErr < 1e-15, Math.sin(0), Math.sin(-0), Math.cos(0), Math.tan(-0));

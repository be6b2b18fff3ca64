for (let i = -15; i <= 15; i++) {
	const x = i * 0.1 + 0.05;
	console.log(x, Math.tan(x));
}

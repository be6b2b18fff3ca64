for (let i = -20; i <= 20; i++) {
	const x = i * 0.37;
	console.log(x, Math.sin(x), Math.cos(x));
}

for (let i = 60; i <= 80; i += 1) {
	console.log(i, 2 ** i);
}

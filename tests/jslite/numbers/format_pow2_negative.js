for (let i = 1; i <= 60; i += 1) {
	console.log(i, 2 ** -i);
}

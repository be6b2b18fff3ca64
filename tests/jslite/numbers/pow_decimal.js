for (let e = -10; e <= 25; e++) {
	console.log(e, 10 ** e, Math.pow(10, e));
}

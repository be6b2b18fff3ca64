function inf(n) {
	return inf(n + 1) + 1;
}
try {
	inf(0);
} catch (e) {
	console.log(e instanceof RangeError, e.message);
}

try {
	(1).toFixed(101);
} catch (e) {
	console.log(e instanceof RangeError, e.message);
}
try {
	(1).toFixed(-1);
} catch (e) {
	console.log(e.name, e.message);
}
console.log((1).toFixed(100).length);

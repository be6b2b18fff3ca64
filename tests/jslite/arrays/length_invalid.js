const a = [];
try {
	a.length = -1;
} catch (e) {
	console.log(e instanceof RangeError, e.message);
}
try {
	new Array(-5);
} catch (e) {
	console.log(e.name, e.message);
}
try {
	Array(1.5);
} catch (e) {
	console.log(e.name, e.message);
}

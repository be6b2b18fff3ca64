try {
	(10).toString(1);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
try {
	(10).toString(37);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
console.log((10).toString(10), (10).toString(undefined));

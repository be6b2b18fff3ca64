try {
	[].reduce((a, b) => a + b);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
try {
	[].reduceRight((a, b) => a + b);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
console.log([].reduce((a, b) => a + b, 0), [5].reduce((a, b) => a + b));

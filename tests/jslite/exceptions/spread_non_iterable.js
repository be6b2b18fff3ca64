try {
	const n = 5;
	console.log([...n]);
} catch (e) {
	console.log(e.name, e.message);
}
try {
	Math.max(...undefined);
} catch (e) {
	console.log(e.name, e.message);
}

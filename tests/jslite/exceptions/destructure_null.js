try {
	const { a } = null;
} catch (e) {
	console.log(e.name, e.message);
}
try {
	const [x] = undefined;
} catch (e) {
	console.log(e.name, e.message);
}

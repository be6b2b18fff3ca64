try {
	null.toString();
} catch (e) {
	console.log(e.message);
}
try {
	undefined.toString();
} catch (e) {
	console.log(e.message);
}

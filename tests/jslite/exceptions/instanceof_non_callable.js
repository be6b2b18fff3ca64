try {
	({}) instanceof 5;
} catch (e) {
	console.log(e.name, e.message);
}

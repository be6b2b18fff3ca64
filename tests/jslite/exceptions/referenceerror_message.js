try {
	undeclaredVariable + 1;
} catch (e) {
	console.log(e.name, e.message);
}

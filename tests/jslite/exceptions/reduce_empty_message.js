try {
	[].reduce((a, b) => a);
} catch (e) {
	console.log(e instanceof TypeError, e.message);
}

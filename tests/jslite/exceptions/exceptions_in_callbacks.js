try {
	[1, 2, 3].forEach((x) => {
		if (x === 2) throw new Error("stop at " + x);
		console.log("saw", x);
	});
} catch (e) {
	console.log(e.message);
}

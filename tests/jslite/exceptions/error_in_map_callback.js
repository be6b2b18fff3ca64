try {
	[1, 2, 3].map((x) => {
		if (x === 3) null.f;
		return x;
	});
} catch (e) {
	console.log(e instanceof TypeError, e.message);
}

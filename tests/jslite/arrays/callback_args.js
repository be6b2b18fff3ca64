["a", "b"].forEach(function (v, i, arr) {
	console.log(v, i, arr.length);
});

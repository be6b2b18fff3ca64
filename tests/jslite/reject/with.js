// outside the subset: with statements
with (Math) {
	console.log(PI);
}

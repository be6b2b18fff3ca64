blk: {
	console.log("in");
	if (true) break blk;
	console.log("skipped");
}
console.log("after");

const log = [];
function lvl(n) {
	try {
		if (n === 0) throw new Error("bottom");
		lvl(n - 1);
	} finally {
		log.push(n);
	}
}
try {
	lvl(4);
} catch (e) {
	log.push(e.message);
}
console.log(log.join(" "));

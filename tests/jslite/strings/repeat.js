console.log("ab".repeat(3), "x".repeat(0) === "", "-".repeat(10));
try {
	"a".repeat(-1);
} catch (e) {
	console.log(e.name, e.message);
}
try {
	"a".repeat(Infinity);
} catch (e) {
	console.log(e.name, e.message);
}

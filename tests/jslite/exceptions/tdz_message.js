try {
	use();
} catch (e) {
	console.log(e.name + ": " + e.message);
}
let later = 1;
function use() {
	return later;
}
console.log(use());

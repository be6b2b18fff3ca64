try {
	"a" in "abc";
} catch (e) {
	console.log(e.name, e.message);
}

const log = [];
function f() {
	try {
		log.push("try");
		return "ret";
	} finally {
		log.push("finally");
	}
}
console.log(f(), log.join(","));

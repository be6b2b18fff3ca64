function f() {
	try {
		return 1;
	} finally {
		return 2;
	}
}
function g() {
	try {
		throw new Error("lost");
	} finally {
		return "swallowed";
	}
}
console.log(f(), g());

console.log("before");
function f() {
	throw new Error("uncaught here");
}
f();
console.log("never");

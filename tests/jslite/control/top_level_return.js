console.log("before");
const n = 3;
if (n > 2) {
	console.log("returning early");
	return;
}
console.log("never printed");

try {
	console.log(x);
	let x = 1;
} catch (e) {
	console.log(e.name + ": " + e.message);
}
const f = () => y;
try {
	f();
} catch (e) {
	console.log(e.message);
}
let y = 2;
console.log(f());

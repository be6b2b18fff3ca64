const o = { a: 1 };
try {
	o.a();
} catch (e) {
	console.log(e.name, e.message);
}
try {
	o.b();
} catch (e) {
	console.log(e.message);
}
try {
	const f = 5;
	f();
} catch (e) {
	console.log(e.message);
}

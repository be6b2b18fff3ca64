const o = { a: {} };
try {
	o.a.b.c();
} catch (e) {
	console.log(e.message);
}
try {
	o.a.f();
} catch (e) {
	console.log(e.message);
}
try {
	o["a"]["g"]();
} catch (e) {
	console.log(e.message);
}

let u;
try {
	u.foo;
} catch (e) {
	console.log(e instanceof TypeError, e.message);
}
try {
	null.bar;
} catch (e) {
	console.log(e.message);
}
try {
	u.foo = 1;
} catch (e) {
	console.log(e.message);
}
try {
	null[0];
} catch (e) {
	console.log(e.message);
}

const o = { a: 1 };
o.self = o;
try {
	JSON.stringify(o);
} catch (e) {
	console.log(e.name, e.message.split("\n")[0]);
}

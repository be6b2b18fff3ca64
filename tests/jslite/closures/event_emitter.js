function emitter() {
	const handlers = {};
	return {
		on(ev, h) {
			(handlers[ev] ??= []).push(h);
		},
		emit(ev, x) {
			for (const h of handlers[ev] ?? []) h(x);
		},
	};
}
const e = emitter();
let log = [];
e.on("a", (x) => log.push("h1:" + x));
e.on("a", (x) => log.push("h2:" + x));
e.emit("a", 1);
e.emit("b", 2);
console.log(log.join(" "));

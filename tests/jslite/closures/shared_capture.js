function pair() {
	let v = 0;
	return { get: () => v, set: (x) => { v = x; } };
}
const p = pair();
p.set(5);
console.log(p.get());
const q = pair();
console.log(q.get(), p.get());

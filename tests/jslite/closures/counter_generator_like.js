function range(n) {
	let i = 0;
	return { next: () => (i < n ? { value: i++, done: false } : { value: undefined, done: true }) };
}
const it = range(3);
let r;
while (!(r = it.next()).done) console.log(r.value);

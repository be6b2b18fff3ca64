function makeCounter() {
	let n = 0;
	return () => ++n;
}
const c1 = makeCounter(), c2 = makeCounter();
console.log(c1(), c1(), c1(), c2(), c1());

function once(f) {
	let done = false, v;
	return (...a) => {
		if (!done) {
			done = true;
			v = f(...a);
		}
		return v;
	};
}
const init = once((x) => x * 100);
console.log(init(1), init(2), init(3));

const a = () => 1;
const b = (x) => x * 2;
const c = x => x + 1;
const d = (x, y) => {
	const s = x + y;
	return s * s;
};
const e = () => ({ obj: true });
console.log(a(), b(2), c(2), d(1, 2), JSON.stringify(e()));

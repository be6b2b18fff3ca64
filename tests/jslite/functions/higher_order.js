function apply(f, x, times) {
	for (let i = 0; i < times; i++) x = f(x);
	return x;
}
console.log(apply((x) => x * 2, 1, 10), apply((s) => s + "!", "hi", 3));

function sum(a, i = 0) {
	return i >= a.length ? 0 : a[i] + sum(a, i + 1);
}
console.log(sum([1, 2, 3, 4, 5]), sum([]));

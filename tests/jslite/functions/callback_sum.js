function each(arr, cb) {
	for (let i = 0; i < arr.length; i++) cb(arr[i], i);
}
let total = 0;
each([1, 2, 3, 4], (x, i) => {
	total += x * i;
});
console.log(total);

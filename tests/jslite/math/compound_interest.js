let p = 1000;
for (let y = 1; y <= 10; y++) {
	p *= 1.05;
	console.log(y, p, p.toFixed(2));
}
console.log(1000 * Math.pow(1.05, 10), 1000 * Math.exp(10 * Math.log(1.05)));

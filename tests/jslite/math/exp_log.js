for (let i = -20; i <= 20; i++) {
	const x = i * 0.73;
	console.log(x, Math.exp(x), Math.log(Math.abs(x) + 0.01));
}
console.log(Math.exp(1), Math.exp(709), Math.exp(710), Math.exp(-745), Math.exp(-746));
console.log(Math.log(0), Math.log(-1), Math.log(1), Math.log(Math.E), Math.log(10), Math.log(2));

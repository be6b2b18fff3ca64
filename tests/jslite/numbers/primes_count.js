function isPrime(n) {
	if (n < 2) return false;
	for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
	return true;
}
let c = 0;
for (let n = 0; n < 10000; n++) if (isPrime(n)) c++;
console.log(c);

// SPDX-License-Identifier: MIT
// Sieve of Eratosthenes to 10M, three times: a 10M-element array, written and
// read in loops.
function sieve(n) {
	const flags = Array(n + 1).fill(true);
	let count = 0;
	for (let i = 2; i <= n; i++) {
		if (flags[i]) {
			count++;
			for (let j = i * i; j <= n; j += i)
				flags[j] = false;
		}
	}
	return count;
}

let count = 0;
for (let k = 0; k < 3; k++)
	count += sieve(10000000);
console.log(count);

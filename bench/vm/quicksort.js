// SPDX-License-Identifier: MIT
// Quicksort (Hoare partition, written in the script) of 1M pseudo-random
// integers from a Park-Miller generator (exact in doubles and in int64).
let seed = 42;
function rand() {
	seed = (seed * 16807) % 2147483647;
	return seed;
}

function qsort(a, lo, hi) {
	while (lo < hi) {
		const p = a[Math.floor((lo + hi) / 2)];
		let i = lo, j = hi;
		while (i <= j) {
			while (a[i] < p)
				i++;
			while (a[j] > p)
				j--;
			if (i <= j) {
				const t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		if (j - lo < hi - i) {
			qsort(a, lo, j);
			lo = i;
		} else {
			qsort(a, i, hi);
			hi = j;
		}
	}
}

const n = 1000000;
const a = [];
for (let i = 0; i < n; i++)
	a.push(rand() % 1000000);
qsort(a, 0, n - 1);
let sorted = true;
for (let i = 1; i < n; i++)
	if (a[i - 1] > a[i])
		sorted = false;
console.log(sorted, a[0], a[n / 2], a[n - 1]);

// SPDX-License-Identifier: MIT
// fannkuch-redux(10) (Mike Pall's algorithm from the Benchmarks Game's Lua
// program, indexes from 1 as there): small-array permutations and flips.
function fannkuch(n) {
	const p = Array(n + 2).fill(0), q = Array(n + 2).fill(0), s = Array(n + 2).fill(0);
	let sign = 1, maxflips = 0, sum = 0;
	for (let i = 1; i <= n; i++) {
		p[i] = i;
		q[i] = i;
		s[i] = i;
	}
	for (;;) {
		let q1 = p[1];
		if (q1 !== 1) {
			for (let i = 2; i <= n; i++)
				q[i] = p[i];
			let flips = 1;
			for (;;) {
				const qq = q[q1];
				if (qq === 1) {
					sum += sign * flips;
					if (flips > maxflips)
						maxflips = flips;
					break;
				}
				q[q1] = q1;
				if (q1 >= 4) {
					let i = 2, j = q1 - 1;
					do {
						const t = q[i];
						q[i] = q[j];
						q[j] = t;
						i++;
						j--;
					} while (i < j);
				}
				q1 = qq;
				flips++;
			}
		}
		if (sign === 1) {
			const t = p[2];
			p[2] = p[1];
			p[1] = t;
			sign = -1;
		} else {
			const t = p[2];
			p[2] = p[3];
			p[3] = t;
			sign = 1;
			for (let i = 3; i <= n; i++) {
				const sx = s[i];
				if (sx !== 1) {
					s[i] = sx - 1;
					break;
				}
				if (i === n)
					return [sum, maxflips];
				s[i] = i;
				const t0 = p[1];
				for (let j = 1; j <= i; j++)
					p[j] = p[j + 1];
				p[i + 1] = t0;
			}
		}
	}
}

const r = fannkuch(10);
console.log(r[0] + "\nPfannkuchen(10) = " + r[1]);

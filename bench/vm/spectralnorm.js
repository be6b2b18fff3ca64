// SPDX-License-Identifier: MIT
// spectral-norm(1000) (the Benchmarks Game's algorithm): nested loops of
// floating-point arithmetic and a function call per matrix element.
function A(i, j) {
	return 1 / ((i + j) * (i + j + 1) / 2 + i + 1);
}

function Au(u, v, n) {
	for (let i = 0; i < n; i++) {
		let t = 0;
		for (let j = 0; j < n; j++)
			t += A(i, j) * u[j];
		v[i] = t;
	}
}

function Atu(u, v, n) {
	for (let i = 0; i < n; i++) {
		let t = 0;
		for (let j = 0; j < n; j++)
			t += A(j, i) * u[j];
		v[i] = t;
	}
}

function AtAu(u, v, w, n) {
	Au(u, w, n);
	Atu(w, v, n);
}

const n = 1000;
const u = Array(n).fill(1), v = Array(n).fill(0), w = Array(n).fill(0);
for (let i = 0; i < 10; i++) {
	AtAu(u, v, w, n);
	AtAu(v, u, w, n);
}
let vBv = 0, vv = 0;
for (let i = 0; i < n; i++) {
	vBv += u[i] * v[i];
	vv += v[i] * v[i];
}
console.log(Math.sqrt(vBv / vv).toFixed(9));

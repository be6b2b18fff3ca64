function A(i, j) {
	return 1 / (((i + j) * (i + j + 1)) / 2 + i + 1);
}
function mulAv(v, out) {
	for (let i = 0; i < v.length; i++) {
		let s = 0;
		for (let j = 0; j < v.length; j++) s += A(i, j) * v[j];
		out[i] = s;
	}
}
function mulAtv(v, out) {
	for (let i = 0; i < v.length; i++) {
		let s = 0;
		for (let j = 0; j < v.length; j++) s += A(j, i) * v[j];
		out[i] = s;
	}
}
const n = 50;
const u = new Float64Array(n).fill(1), v = new Float64Array(n), t = new Float64Array(n);
for (let k = 0; k < 10; k++) {
	mulAv(u, t);
	mulAtv(t, v);
	mulAv(v, t);
	mulAtv(t, u);
}
let vBv = 0, vv = 0;
for (let i = 0; i < n; i++) {
	vBv += u[i] * v[i];
	vv += v[i] * v[i];
}
console.log(Math.sqrt(vBv / vv));

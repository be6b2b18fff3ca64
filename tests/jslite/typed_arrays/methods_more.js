const a = new Int32Array([5, -3, 8, 0, 2]);
a.reverse();
console.log(a.join(), a.length);
const f = a.filter((x) => x > 0);
console.log(f.join(), f instanceof Int32Array, f.length);
a.sort((x, y) => y - x);
console.log(a.join());
const u = Uint8Array.from([1, 2, 3], (x) => x * 100);
console.log(u.join(), u.slice(-2).join(), u.slice(1, -1).join(), u.slice(5).length);
const d = new Float64Array(6);
d.set([1.5, 2.5], 1);
d.set(new Uint8Array([9, 8]), 4);
console.log(d.join());
const g = new Float64Array([NaN, 3, -0, 0, -Infinity, 1e300]);
g.sort();
console.log(g.join(), Object.is(g[1], -0), Object.is(g[2], 0));
const m = new Uint8Array([250, 5]).map((x) => x + 10);
console.log(m.join(), new Int32Array(3).fill(-7).join(), new Uint8Array(4).fill(300, -2).join());
console.log(Float64Array.from(new Set([1, 1, 2])).join(), Int32Array.from("123").join());
console.log(a.lastIndexOf(0), a.findLast((x) => x < 0), a.reduceRight((s, x) => s + "," + x, ""));
try {
	d.set([1, 2, 3], 5);
} catch (e) {
	console.log(e.name, e.message);
}

// % on integers past 2^31 (exact in int64 below 2^53) keeps the dividend's sign and -0
const xs = [2 ** 31, 2 ** 40 + 3, -(2 ** 40 + 3), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 60, -0, 0, 5, -5, 1e300, 2.5e15];
const ds = [7, -7, 2 ** 31 + 1, -(2 ** 33), 1, -1, 2 ** 53 - 1, 0.5, 3.25];
for (const x of xs) {
	const row = [];
	for (const d of ds) {
		const r = x % d;
		row.push(r === 0 && 1 / r < 0 ? "-0" : String(r));
	}
	console.log(String(x), row.join(" "));
}
let s = 0;
for (let i = 0; i < 100000; i++)
	s = (s + i * i * 1000003) % 1000000007;
console.log(s);

const cases = [
	() => Object.keys(null),
	() => Object.entries(undefined),
	() => { const n = 5; return n.map((x) => x); },
	() => { const o = {}; return o.list.forEach((x) => x); },
	() => { const n = 5; for (const x of n) return x; },
	() => { const o = { a: 1 }; for (const x of o) return x; },
	() => { const [a] = {}; return a; },
	() => new Map([1, 2]),
	() => { const s = "abc"; return s.foo(); },
	() => { let u; return u[0]; },
	() => { const a = []; return a[0].x; },
	() => JSON.parse("{bad}"),
	() => new Float64Array(-1),
	() => "abc".padStart(Infinity),
	() => [].length = -1,
];
for (const f of cases) {
	try {
		f();
		console.log("no error");
	} catch (e) {
		console.log(e.name + ": " + e.message);
	}
}

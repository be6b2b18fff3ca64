const cases = [
	() => { const n = 5; return [...n]; },
	() => { let u; return [...u]; },
	() => [...null],
	() => [...5],
	() => { const o = { a: { b: 3 } }; return [...o.a.b]; },
	() => { const o = { a: { b: 3 } }; return [...o["a"]]; },
	() => { const o = [1]; return [...o[0]]; },
	() => { const i = 0, o = [1]; return [...o[i]]; },
	() => { let u; for (const x of u) console.log(x); },
	() => { for (const x of 7) console.log(x); },
	() => { const o = {}; for (const x of o) console.log(x); },
	() => { const [a] = {}; return a; },
	() => { const [a] = 5; return a; },
	() => { let u; const [a] = u; return a; },
	() => { const o = { a: { b: 1 } }; const [x] = o.a; return x; },
	() => { let a; [a] = {}; return a; },
	() => { const f = () => 3; return [...f()]; },
	() => Math.max(...undefined),
	() => { let u; return Math.max(...u); },
	() => Math.max(...null),
	() => { const n = 5; return Math.max(...n); },
	() => { const n = 5; return new Set(n); },
	() => new Map(7),
	() => Array.from(5).length + Array.from(true).length,
	() => Array.from(undefined),
	() => Array.from(null),
	() => Array.from([1], 5),
	() => [...{ a: 1 }],
	() => { const s = "x"; return [...s.length]; },
	() => [...true],
	() => { function f([a]) { return a; } return f(3); },
];
for (const f of cases) {
	try {
		console.log("ok", f());
	} catch (e) {
		console.log(e.name + ": " + e.message);
	}
}

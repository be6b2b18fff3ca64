const cases = [
	() => undefined.x,
	() => null.x,
	() => { const o = {}; return o.a.b; },
	() => { let u; u(); },
	() => { const o = {}; o.method(); },
	() => { const o = { a: 1 }; o.a(); },
	() => { const arr = [1]; arr.x.y; },
	() => { const n = null; n.call(); },
];
for (const f of cases) {
	try {
		f();
	} catch (e) {
		console.log(e.name, e.message);
	}
}

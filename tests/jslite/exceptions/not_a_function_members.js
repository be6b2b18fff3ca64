const o = { a: 1, n: { x: 2 } };
const t = [() => o.nope(), () => o.a(), () => o["b"](), () => { const k = "zz"; return o[k](); }, () => o.n.x(), () => o.nope(...[1]), () => o.n["q"](1, 2)];
for (const f of t) { try { f(); } catch (e) { console.log(e.message); } }

"use strict";
// Strict code: a write to a frozen object or to a primitive throws as well (see freeze_library.js).
const a = Object.freeze([3, 1, 2]);
const o = Object.freeze({ a: 1 });
const e = Object.freeze([]);
const one = Object.freeze([7]);
const cases = [
	() => a.pop(), () => a.shift(), () => a.unshift(0), () => a.unshift(), () => a.sort(), () => a.sort((x, y) => x - y),
	() => a.reverse(), () => a.fill(0), () => a.fill(0, 1), () => a.fill(0, 3), () => a.push(1), () => a.push(),
	() => e.pop(), () => e.shift(), () => e.sort(), () => e.reverse(), () => one.shift(), () => one.reverse(), () => one.pop(),
	() => a.splice(0, 1), () => a.splice(2, 1), () => a.splice(1), () => a.splice(0, 0), () => a.splice(0, 0, 9),
	() => a.splice(3, 0, 9), () => a.splice(1, 1, 8), () => a.splice(0, 1, 8, 9), () => a.splice(), () => a.splice(-1, 5, 1, 2),
	() => { a[0] = 9; }, () => { a[5] = 9; }, () => { a.length = 0; }, () => { o.a = 2; }, () => { o.b = 2; },
	() => delete o.a, () => delete o.zz, () => delete a[0], () => delete a[7], () => Object.assign(o, { a: 5 }),
	() => Object.assign(o, {}), () => Object.assign(a, [5]), () => { "abc".x = 1; }, () => { const n = 5; n.y = 2; },
	() => Object.freeze(new Uint8Array(2)),
	() => a.map((x) => x * 2).join(), () => a.slice(1).join(), () => a.concat([4]).join(), () => [...a].sort().join(),
];
for (const f of cases) {
	try {
		console.log("ok", String(f()));
	} catch (err) {
		console.log(err.name + ": " + err.message);
	}
}
console.log(a.join(), o.a, o.b, Object.isFrozen(a), Object.isFrozen(o), e.length, one[0]);

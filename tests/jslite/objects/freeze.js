"use strict";
const o = Object.freeze({ a: 1, inner: { b: 2 } });
try {
	o.a = 2;
} catch (e) {
	console.log(e.name + ": " + e.message);
}
o.inner.b = 3;
console.log(o.a, o.inner.b);

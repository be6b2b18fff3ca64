"use strict";
const a = Object.freeze([1, 2]);
try {
	a.push(3);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
try {
	a[0] = 5;
} catch (e) {
	console.log(e.name + ": " + e.message);
}
console.log(a.join());

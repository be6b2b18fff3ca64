"use strict";
// a function's own directive inside strict code changes nothing
function f(o) {
	"use strict";
	o.x = 1;
	return o.x;
}
console.log(f({}));
try {
	f(Object.freeze({}));
} catch (e) {
	console.log(e.message);
}

// for-in takes the keys when it starts; a key deleted before its turn is not visited,
// one added meanwhile is not either (found by the differential fuzzer).
const o = { "2": 1, a: 2, z: 3, b: 4 };
for (const k in o) {
	console.log("visit", k);
	if (k === "2") {
		delete o.z;
		o.late = 5;
	}
	if (k === "a")
		delete o.a; /* the current key: already visited */
}
console.log(JSON.stringify(o));
const arr = [10, 20, 30, 40];
for (const i in arr) {
	console.log("index", i, arr[i]);
	if (i === "1")
		arr.length = 2;
}
const p = { x: 1, y: 2 };
for (const k in p) {
	delete p.y;
	p.y = 3; /* deleted and added again before its turn: visited (V8 as well) */
	console.log("again", k);
}
for (const c in "hé😀")
	console.log("char index", c);
let n = 0;
for (const k in { a: 1, b: 2 }) {
	if (k === "a")
		continue;
	n++;
}
console.log(n);

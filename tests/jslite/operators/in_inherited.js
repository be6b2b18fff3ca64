const a = [1, 2];
const m = new Map([[1, 2]]);
const s = new Set([1]);
const t = new Uint8Array(2);
const o = { x: 1 };
const e = new RangeError("boom");
for (const k of ["push", "map", "length", "0", "2", "toString", "valueOf", "hasOwnProperty", "constructor", "size", "get", "add", "set", "subarray", "x", "message", "name", "stack", "nope", "__proto__", "flat", "toSorted"])
	console.log(k, k in a, k in m, k in s, k in t, k in o, k in e);
console.log(0 in a, 5 in a, 1 in t, 2 in t, "x" in { x: undefined });

// One property access site meeting objects of different layouts, deleted and re-added
// keys, frozen objects, Errors and keys that are equal strings but not the same string
// (the inline caches of GETF/SETF must never return another property's value).
function getX(o) { return o.x; }
function setX(o, v) { o.x = v; return o; }
const objs = [{ x: 1, y: 2 }, { y: 3, x: 4 }, { a: 0, b: 0, c: 0, x: 5 }, { y: 6 }, JSON.parse('{"q":1,"x":7}')];
const big = {};
for (let i = 0; i < 20; i++) big["k" + i] = i;
big.x = 8;
objs.push(big);
for (let r = 0; r < 3; r++)
	console.log(objs.map(getX).join(","));
const d = { x: 1, y: 2, z: 3 };
console.log(getX(d));
delete d.x;
console.log(getX(d), JSON.stringify(d));
d.x = 9;
console.log(getX(d), JSON.stringify(d), Object.keys(d).join(""));
const f = Object.freeze({ x: 1 });
setX(f, 2);
console.log(getX(f));
const e = new Error("boom");
setX(e, 3);
console.log(getX(e), e.message);
const m = { message: "m" };
function setMsg(o, v) { o.message = v; return o.message; }
console.log(setMsg(m, "one"), setMsg(e, "two"), e.message, setMsg(m, "three"));
const k = "x", o2 = {};
o2[k + ""] = 10;
console.log(getX(o2), setX(o2, 11).x, o2[["x"].join("")]);
for (const o of objs)
	setX(o, getX(o) === undefined ? -1 : getX(o) * 10);
console.log(objs.map(getX).join(","), JSON.stringify(objs[3]));

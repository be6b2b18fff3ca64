const e = new RangeError("bad range");
console.log(e.name, e.message, e instanceof RangeError, e instanceof Error, e instanceof TypeError);
console.log(String(e), `${e}`, e + "", Object.keys(e).length);
const t = new TypeError();
console.log(JSON.stringify(t.message), String(t));

const m = new Map([[1, "one"], [2, "two"]]);
const arr = [...m].map(([k, v]) => k + "=" + v);
console.log(arr.join("&"), Array.from(m.keys()).join(), Array.from(m.values(), (v) => v.toUpperCase()).join());

const o = { b: 1, a: 2, 1: "x" };
const ks = [];
for (const k in o) ks.push(k + "=" + o[k]);
console.log(ks.join(" "));
for (const k in {}) console.log("never");

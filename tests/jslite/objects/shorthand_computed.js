const a = 1, b = 2;
const k = "dyn";
const o = { a, b, [k]: 3, [k + "2"]: 4, ["x" + 1]: 5 };
console.log(JSON.stringify(o));

const m = new Map([["a", 1], ["b", 2]]);
const [[k1, v1], second] = m;
console.log(k1, v1, JSON.stringify(second));
const [s1, s2] = new Set(["p", "q", "r"]);
console.log(s1, s2);

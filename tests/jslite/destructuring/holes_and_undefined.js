const [a, , , d = "d"] = [1, 2];
const { missing } = {};
console.log(a, d, missing);

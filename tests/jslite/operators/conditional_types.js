const vals = [0, 1, "", "a", null, [], {}];
console.log(vals.map((v) => (v ? "T" : "F")).join(""));

const o = {};
for (const k of ["10", "9", "a", "1", "-1", "1.0", "007", "4294967295", "0"]) o[k] = k;
console.log(Object.keys(o).join(" "));
console.log(JSON.stringify(Object.entries(o).slice(0, 3)));

const o = { b: 1, a: 2, 10: "ten", 2: "two", "-1": "neg", "01": "lead", 1.5: "f" };
o.c = 3;
o[0] = "zero";
console.log(Object.keys(o).join(","));
console.log(JSON.stringify(o));

const s = new Set(["x", "y"]);
s.forEach((v, k, set) => console.log(v, k, set === s));

const { a, b: renamed, c = "dflt", d: { e } = { e: "inner" } } = { a: 1, b: 2 };
console.log(a, renamed, c, e);

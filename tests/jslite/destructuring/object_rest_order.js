const { b, ...rest } = { c: 3, b: 2, 1: "one", a: 1 };
console.log(b, JSON.stringify(rest), Object.keys(rest).join());

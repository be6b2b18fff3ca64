const { a, ...others } = { a: 1, b: 2, c: 3 };
console.log(a, JSON.stringify(others));

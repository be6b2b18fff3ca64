const mk = (k, v) => ({ [k]: v });
console.log(JSON.stringify(mk("a", 1)), JSON.stringify([1, 2].map((n) => ({ n }))));

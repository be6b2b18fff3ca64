const a = [5, 12, 8, 130, 44];
console.log(JSON.stringify(a.filter((x) => x > 10)), JSON.stringify(a.filter((x, i) => i % 2 === 0)));
console.log(JSON.stringify([0, 1, "", "a", null, NaN, 2].filter(Boolean)));

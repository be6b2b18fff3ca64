const items = [{ n: "a", p: 1.5 }, { n: "b", p: 20 }];
console.log(`Total: ${items.reduce((s, it) => s + it.p, 0).toFixed(2)} for ${items.map((it) => `${it.n}(${it.p})`).join(", ")}`);

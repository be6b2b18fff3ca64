const a = [5, 12, 8, 130];
console.log(a.find((x) => x > 10), a.find((x) => x > 1000), a.findIndex((x) => x > 10), a.findIndex((x) => x < 0));
console.log([{ id: 1 }, { id: 2 }].find((o) => o.id === 2).id);

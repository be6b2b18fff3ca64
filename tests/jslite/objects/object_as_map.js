const m = {};
for (let i = 0; i < 20; i++) m["k" + (i % 7)] = i;
console.log(Object.keys(m).length, JSON.stringify(m));

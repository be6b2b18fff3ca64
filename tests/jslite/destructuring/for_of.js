const pts = [{ x: 1, y: 2 }, { x: 3, y: 4 }];
for (const { x, y } of pts) console.log(x + y);
for (const [k, v] of Object.entries({ a: 1, b: 2 })) console.log(k, v);

const o = { x: 1, y: [2], z: "s" };
console.log(JSON.stringify(Object.keys(o)), JSON.stringify(Object.values(o)), JSON.stringify(Object.entries(o)));
console.log(Object.keys({}).length, JSON.stringify(Object.keys([4, 5])), JSON.stringify(Object.entries("ab")));

const o = { z: 1, 2: 2, a: 3, 1: 4 };
for (const k in o) console.log(k);

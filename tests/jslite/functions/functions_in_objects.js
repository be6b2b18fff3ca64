const ops = { add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b };
for (const k of Object.keys(ops)) console.log(k, ops[k](6, 3));

for (const [k, v] of new Map([["a", 1], ["b", 2]])) console.log(k, v);
for (const x of new Set([3, 1, 3])) console.log(x);

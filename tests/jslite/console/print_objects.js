console.log({ a: 1, b: "s" });
console.log({});
console.log({ nested: { deep: { deeper: { deepest: 1 } } } });
console.log({ "key with space": 1, valid_id: 2, 3: "num" });

const o = { a: undefined };
console.log(JSON.stringify(o), Object.keys(o).length, o.a === undefined, "a" in o);

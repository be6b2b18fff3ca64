const m = new Map([["a", 1]]);
console.log(JSON.stringify(m), JSON.stringify([...m]), JSON.stringify({ m: new Set([1]) }));

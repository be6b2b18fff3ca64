console.log(JSON.stringify({ a: [1, { b: 2 }] }, null, "--"));
console.log(JSON.stringify([1], null, "\t"));
console.log(JSON.stringify({ a: 1 }, null, "abcdefghijklmnop"));
console.log(JSON.stringify({ a: 1 }, null, ""));

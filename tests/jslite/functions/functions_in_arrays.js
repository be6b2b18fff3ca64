const pipeline = [(x) => x + 1, (x) => x * 10, (x) => "v" + x];
let v = 1;
for (const f of pipeline) v = f(v);
console.log(v);

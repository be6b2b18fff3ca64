const t = { a: 1 };
const r = Object.assign(t, { b: 2 }, { a: 3, c: 4 });
console.log(r === t, JSON.stringify(t));
console.log(JSON.stringify(Object.assign({}, null, { x: 1 }, undefined)));

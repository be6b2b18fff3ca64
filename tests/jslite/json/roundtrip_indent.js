const data = [{ id: 1, v: [1.5, -2] }, { id: 2, v: [] }];
const s = JSON.stringify(data, null, 2);
console.log(s);
console.log(JSON.stringify(JSON.parse(s)) === JSON.stringify(data));

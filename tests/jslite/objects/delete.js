const o = { a: 1, b: 2, c: 3 };
console.log(delete o.b, JSON.stringify(o), delete o.zz, "b" in o);
o.b = 9;
console.log(Object.keys(o).join());

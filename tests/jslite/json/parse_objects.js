const o = JSON.parse('{"a":1,"b":[1,2,{"c":"d"}],"e":{"f":null}}');
console.log(o.a, o.b[2].c, o.e.f, Object.keys(o).join());
const p = JSON.parse('{"b":1,"a":2,"1":3,"b":4}');
console.log(JSON.stringify(p));

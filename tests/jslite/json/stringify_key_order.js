const o = {};
o.z = 1;
o[10] = 2;
o.a = 3;
o[2] = 4;
console.log(JSON.stringify(o), JSON.stringify(JSON.parse('{"z":1,"10":2,"a":3,"2":4}')));

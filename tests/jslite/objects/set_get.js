const o = {};
o.x = 1;
o["y"] = 2;
const k = "z";
o[k] = 3;
o.x += 10;
console.log(o.x, o.y, o.z, JSON.stringify(o));

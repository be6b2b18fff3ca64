const o = {};
o[1] = "a";
o[1.5] = "b";
o[-0] = "c";
o[true] = "d";
o[null] = "e";
console.log(JSON.stringify(o), o["1"], o["0"], o.true, o["null"]);

console.log("start");
let o;
o.prop;

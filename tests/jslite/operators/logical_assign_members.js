const o = { a: 0, b: null, c: "x" };
o.a ||= "A";
o.b ??= "B";
o.c &&= "C";
o.d ??= [];
o.d.push(1);
console.log(JSON.stringify(o));

console.log(null ?? "d", undefined ?? "d", 0 ?? "d", "" ?? "d", false ?? "d", NaN ?? "d");
let x = null;
x ??= 5;
let y = 0;
y ??= 7;
y ||= 8;
let z = 1;
z &&= 9;
console.log(x, y, z);

const a = new Uint8Array([0, 1, 2, 3, 4, 5]);
const s = a.slice(1, 4);
s[0] = 99;
console.log(a.join(), s.join(), s.length);

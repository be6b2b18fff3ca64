console.log(Math.imul(3, 4), Math.imul(-5, 12), Math.imul(0xffffffff, 5), Math.imul(0x7fffffff, 2));
console.log(Math.imul(1.9, 2.9), Math.imul("3", "7"), Math.imul(NaN, 1), Math.imul(2 ** 32 + 3, 5));
console.log(Math.clz32(1), Math.clz32(0), Math.clz32(-1), Math.clz32(0x80000000), Math.clz32(3.7));
console.log(Math.fround(5.5), Math.fround(5.05), Math.fround(1e40), Math.fround(-0), Math.fround(NaN));
let h = 2166136261;
for (const c of "hello") h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
console.log(h);

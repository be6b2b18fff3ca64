const a = ["a", "b", "c"];
console.log(a.reduceRight((s, x) => s + x), a.reduceRight((s, x) => s + x, ">"));
console.log(a.reduceRight((s, x, i) => s + i, ""));

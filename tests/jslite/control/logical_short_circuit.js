let calls = 0;
const t = () => { calls++; return true; };
const f = () => { calls++; return false; };
console.log(f() && t(), calls);
console.log(t() || f(), calls);
console.log(0 || "x", "" && "y", null || undefined, 1 && 2 && 3, 0 ?? 1);

const ws = "\u00a0\u1680\u2000\u2001\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\v\f";
console.log("[" + (ws + "x" + ws).trim() + "]", (ws + "x").trim().length);
console.log(("\u200bx").trim().length);

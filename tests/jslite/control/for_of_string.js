const out = [];
for (const c of "héllo😀") out.push(c);
console.log(out.length, out.join("|"));

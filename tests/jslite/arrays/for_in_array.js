const a = ["x", "y", "z"];
for (const k in a) console.log(k, typeof k, a[k]);

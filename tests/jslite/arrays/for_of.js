let s = 0;
for (const x of [1, 2, 3]) s += x;
console.log(s);
for (const [i, v] of ["a", "b"].entries()) console.log(i, v);
for (let x of []) console.log("never");

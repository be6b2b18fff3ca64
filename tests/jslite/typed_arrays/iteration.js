const a = new Int32Array([3, 1, 2]);
for (const x of a) console.log(x);
console.log([...a].join(), a.indexOf(2), a.includes(5), a.join("-"));

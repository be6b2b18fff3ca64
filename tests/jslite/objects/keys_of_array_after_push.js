const a = [];
a.push("x");
a.push("y");
console.log(Object.keys(a).join(), Object.values(a).join());

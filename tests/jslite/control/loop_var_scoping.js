let i = "outer";
for (let i = 0; i < 2; i++) {}
console.log(i);
for (var j = 0; j < 2; j++) {}
console.log(j);

const o = {};
for (let i = 0; i < 10; i++) o["key" + i] = "value" + i;
console.log(o);

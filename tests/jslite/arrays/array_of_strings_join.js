const parts = [];
for (let i = 0; i < 10; i++) parts.push("item" + i);
console.log(parts.join(","), parts.length);

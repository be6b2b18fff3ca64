console.log("%j", -0);
console.log("%j %j", "s", 5);

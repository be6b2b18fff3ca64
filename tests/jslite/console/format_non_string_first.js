console.log(5, "%s", "x");
console.log(null, "%d", 1);

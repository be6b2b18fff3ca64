console.log("a", 1, true, null, undefined, -0, NaN);
console.log();
console.log("");
console.log(" lead", "trail ");

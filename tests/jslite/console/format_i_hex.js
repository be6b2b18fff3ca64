console.log("%i", "0x10");
console.log("%d", "0x10");
console.log("%i", -3.7, "%i");

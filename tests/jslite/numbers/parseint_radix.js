console.log(parseInt("ff", 16), parseInt("11", 2), parseInt("z", 36), parseInt("Z", 36));
console.log(parseInt("12", 3), parseInt("9", 8), parseInt("0x10", 16), parseInt("10", 0));
console.log(parseInt("10", 1), parseInt("10", 37), parseInt("077", 8), parseInt("077"));

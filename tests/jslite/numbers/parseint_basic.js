console.log(parseInt("42"), parseInt("  42  "), parseInt("-42"), parseInt("+7"));
console.log(parseInt("42px"), parseInt("px42"), parseInt(""), parseInt("3.99"));
console.log(parseInt("0x1F"), parseInt("0X1f"), parseInt("-0x10"), parseInt("0b11"));

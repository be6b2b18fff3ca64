console.log(parseInt("-0"), 1 / parseInt("-0"), parseInt("-0x0"));
console.log(Object.is(parseInt("-0"), -0), parseInt("-"), parseInt("- 1"));

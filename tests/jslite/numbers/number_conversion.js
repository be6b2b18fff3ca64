console.log(Number("42"), Number(" 42 "), Number(""), Number("  "), Number("4 2"));
console.log(Number("0x1f"), Number("0b101"), Number("0o17"), Number("1e3"), Number(".5"));
console.log(Number(null), Number(undefined), Number(true), Number(false), Number("abc"));
console.log(Number("-0"), Number("Infinity"), Number("-Infinity"), Number("infinity"));

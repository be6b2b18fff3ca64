console.log(parseInt("123456789012345678901234567890"));
console.log(parseInt("900719925474099267"), parseInt("9007199254740993"));
console.log(parseInt("18446744073709551616"), parseInt("99999999999999999999999"));
console.log(parseInt("ffffffffffffffffff", 16), parseInt("zzzzzzzzzzzzzz", 36));

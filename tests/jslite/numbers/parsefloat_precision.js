console.log(parseFloat("0.1000000000000000055511151231257827"));
console.log(parseFloat("2.2250738585072011e-308"), parseFloat("4.9e-324"), parseFloat("2e-324"));
console.log(parseFloat("1.7976931348623158e308"), parseFloat("123456789012345678901234567890e-10"));

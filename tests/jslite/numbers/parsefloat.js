console.log(parseFloat("3.14"), parseFloat("  3.14abc"), parseFloat(".5"), parseFloat("-.5e2"));
console.log(parseFloat("1e1000"), parseFloat("-Infinity"), parseFloat("Infinityx"), parseFloat("e5"));
console.log(parseFloat("0x10"), parseFloat("1.2.3"), parseFloat(""), parseFloat("-0"));

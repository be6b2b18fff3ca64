console.log(0xff, 0o17, 0b1011, 1e3, 1E-3, .5, 5., 0.0);
console.log(0XAB, 0O7, 0B1, 0x7fffffff);

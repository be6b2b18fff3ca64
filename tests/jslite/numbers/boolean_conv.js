console.log(Boolean(0), Boolean(-0), Boolean(NaN), Boolean(""), Boolean(" "), Boolean("0"));
console.log(Boolean(null), Boolean(undefined), Boolean(1), Boolean(-1), !!"false");

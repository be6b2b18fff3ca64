console.log(Number("\t\n 12 \r"), Number("\u00a012\u00a0"), Number("\ufeff7"));
console.log(Number("\u3000 5 \u2003"), Number("\u2028 9"), parseInt("\u2000 10"));
console.log(parseFloat("\u205f1.5"), Number("1_000"), Number("+-1"));

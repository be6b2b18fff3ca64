console.log("5".padStart(3, "0"), "abc".padStart(2), "abc".padStart(6, "12"), "[" + "x".padStart(3) + "]");
console.log("5".padEnd(3, "0"), "abc".padEnd(8, "xy"), "abc".padEnd(5, ""), "[" + "x".padEnd(3) + "]");

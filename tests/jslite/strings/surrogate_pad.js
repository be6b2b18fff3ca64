console.log("😀".padStart(4, "-"), "😀".padEnd(3, "*"), "x".padStart(4, "😀"), "x".padEnd(3, "😀").length);
console.log("ab".padStart(5, "é"), "é".padEnd(3, "ü"));

console.log("  Hello, World  ".trim().toLowerCase().split(", ").join("|"));
console.log("a-b-c".split("-").reverse().join("+").toUpperCase());

console.log("abc".length, "".length, "é".length, "€".length, "😀".length, "a😀b".length);
console.log("\u{1F600}".length, "\uD83D\uDE00" === "😀", "日本語".length);

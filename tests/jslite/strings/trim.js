console.log("[" + "  hi  ".trim() + "]", "[" + "\t\n hi \r\n".trim() + "]");
console.log("[" + "  hi  ".trimStart() + "]", "[" + "  hi  ".trimEnd() + "]");

const s = "JavaScript";
console.log(s.includes("Script"), s.includes("script"), s.includes(""), s.includes("a", 4));
console.log(s.startsWith("Java"), s.startsWith("Script", 4), s.endsWith("Script"), s.endsWith("Java", 4));
console.log(s.startsWith(""), s.endsWith(""), s.endsWith("t", 100));

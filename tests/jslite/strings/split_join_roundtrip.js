const s = "a,,b,,,c";
const parts = s.split(",");
console.log(parts.length, JSON.stringify(parts), parts.join(",") === s);
console.log(JSON.stringify("a, b ,c".split(",").map((x) => x.trim())));

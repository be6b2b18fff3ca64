const rows = [["a", 1], ["b", 2], ["c", 3]];
const found = rows.find((r) => r[0] === "b");
console.log(found[1], rows.findIndex((r) => r[1] === 3), rows.map((r) => r[0]).join(""));

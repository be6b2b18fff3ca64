const data = { user: { name: "ann", tags: ["x", "y"] }, list: [[1, 2], [3, 4]] };
const { user: { name, tags: [first] }, list: [, [three, four]] } = data;
console.log(name, first, three, four);

console.log("price: 10".replace("10", (m) => String(Number(m) * 2)));
console.log("a-b-c".replaceAll("-", (m, off) => "<" + off + ">"));

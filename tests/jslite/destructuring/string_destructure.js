const [a, b, ...c] = "héllo😀";
console.log(a, b, c.join("|"), c.length);

const name = "World", n = 3;
console.log(`Hello, ${name}!`, `${n} + ${n} = ${n + n}`, `plain`, `${"nested " + `${n}`}`);
console.log(`multi
line`, `\`tick\``, `$notinterp`, `${null} ${undefined} ${[1, 2]}`);

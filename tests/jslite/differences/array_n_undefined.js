// man jslite(7), DEVIATIONS FROM NODE: Array(n) holds n undefined elements, not holes
const a = new Array(3);
console.log(a.length, a[0], a.indexOf(undefined), a.includes(undefined));
let visits = 0;
a.forEach(() => visits++);
console.log(visits, Object.keys(a).length, 1 in a);
console.log(JSON.stringify(a), JSON.stringify(Array(2).fill(0)));

let i = 0;
const r = (i++, i++, i);
console.log(r, void i++, i);

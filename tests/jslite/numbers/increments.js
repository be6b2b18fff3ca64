let i = 0;
console.log(i++, i, ++i, i, i--, i, --i, i);
let f = 1.5;
f++;
console.log(f, -f, +"3" + 1);

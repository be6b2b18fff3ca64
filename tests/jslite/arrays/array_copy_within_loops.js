const src = [1, 2, 3, 4, 5];
const dst = [];
for (let i = src.length - 1; i >= 0; i--) dst.push(src[i] * 10);
console.log(dst.join(" "));

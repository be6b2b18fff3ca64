const data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
const h = new Array(10).fill(0);
for (const d of data) h[d]++;
for (let i = 0; i < h.length; i++) console.log(i, "#".repeat(h[i]));

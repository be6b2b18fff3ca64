const data = new Uint8Array(1000);
for (let i = 0; i < data.length; i++) data[i] = (i * i) % 251;
const h = new Int32Array(8);
for (const v of data) h[v >> 5]++;
console.log(h.join(" "));

const text = "It was the best of times it was the worst of times it was the age of wisdom";
const freq = new Map();
for (const w of text.toLowerCase().split(" ")) freq.set(w, (freq.get(w) ?? 0) + 1);
const top = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
for (const [w, c] of top) console.log(w.padEnd(8), c);

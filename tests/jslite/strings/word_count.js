const text = "the quick brown fox jumps over the lazy dog the end";
const counts = {};
for (const w of text.split(" ")) counts[w] = (counts[w] || 0) + 1;
console.log(JSON.stringify(counts));

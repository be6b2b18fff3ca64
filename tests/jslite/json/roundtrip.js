const data = { name: "tile", size: [256, 256], px: [0, 127, 255], meta: { ok: true, ratio: 0.75, tags: ["a", "b"] } };
const s = JSON.stringify(data);
const back = JSON.parse(s);
console.log(s === JSON.stringify(back), back.meta.tags[1], back.size[0] * back.size[1]);

const W = 6;
const src = new Uint8Array(W * W);
for (let i = 0; i < src.length; i++) src[i] = (i * 29) % 256;
const dst = new Uint8Array(W * W);
for (let y = 1; y < W - 1; y++)
	for (let x = 1; x < W - 1; x++) {
		let s = 0;
		for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += src[(y + dy) * W + x + dx];
		dst[y * W + x] = Math.round(s / 9);
	}
console.log(Array.from(dst).join(" "));

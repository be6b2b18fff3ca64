const W = 8, H = 8;
const px = new Uint8Array(W * H);
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) px[y * W + x] = (x * 37 + y * 11) & 255;
let sum = 0, max = 0;
for (let i = 0; i < px.length; i++) {
	sum += px[i];
	if (px[i] > max) max = px[i];
}
console.log(sum, max, px[W * H - 1]);

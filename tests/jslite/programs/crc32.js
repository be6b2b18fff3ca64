const table = new Int32Array(256);
for (let n = 0; n < 256; n++) {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	table[n] = c;
}
function crc32(s) {
	let c = -1;
	for (let i = 0; i < s.length; i++) c = table[(c ^ s.charCodeAt(i)) & 255] ^ (c >>> 8);
	return ((c ^ -1) >>> 0).toString(16);
}
console.log(crc32("hello"), crc32(""), crc32("The quick brown fox jumps over the lazy dog"));

function rle(s) {
	let out = "";
	for (let i = 0; i < s.length; ) {
		let j = i;
		while (j < s.length && s[j] === s[i]) j++;
		out += s[i] + (j - i);
		i = j;
	}
	return out;
}
function unrle(s) {
	let out = "";
	for (let i = 0; i < s.length; i += 2) out += s[i].repeat(Number(s[i + 1]));
	return out;
}
console.log(rle("aaabccdddd"), unrle(rle("aaabccdddd")));

function shift(s, k) {
	let out = "";
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 97 && c <= 122) out += String.fromCharCode(((c - 97 + k) % 26) + 97);
		else out += s[i];
	}
	return out;
}
console.log(shift("hello, world", 3), shift(shift("abcxyz", 13), 13));

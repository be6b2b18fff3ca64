const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function b64(s) {
	let out = "";
	for (let i = 0; i < s.length; i += 3) {
		const n = (s.charCodeAt(i) << 16) | ((s.charCodeAt(i + 1) || 0) << 8) | (s.charCodeAt(i + 2) || 0);
		out += A[(n >> 18) & 63] + A[(n >> 12) & 63];
		out += i + 1 < s.length ? A[(n >> 6) & 63] : "=";
		out += i + 2 < s.length ? A[n & 63] : "=";
	}
	return out;
}
console.log(b64("Man"), b64("Ma"), b64("M"), b64("hello world"));

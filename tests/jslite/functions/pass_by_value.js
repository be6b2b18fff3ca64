function f(n, s) {
	n = n + 1;
	s = s + "!";
	return n + s;
}
let n = 1, s = "a";
console.log(f(n, s), n, s);

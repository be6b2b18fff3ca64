function isPal(s) {
	const t = s.toLowerCase().split("").filter((c) => c >= "a" && c <= "z").join("");
	return t === t.split("").reverse().join("");
}
console.log(isPal("A man, a plan, a canal: Panama"), isPal("hello"), isPal(""));

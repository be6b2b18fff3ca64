let n = 0;
for (const ch of "a😀é🎉") {
	console.log(ch, ch.length, ch.codePointAt(0));
	n++;
}
console.log(n);

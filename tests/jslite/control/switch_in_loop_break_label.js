const out = [];
loop: for (const c of "ab;cd") {
	switch (c) {
		case ";":
			break loop;
		default:
			out.push(c);
	}
}
console.log(out.join(""));

let n = 0;
loop1: while (true) {
	let m = 0;
	while (true) {
		m++;
		n++;
		if (m > 2) continue loop1;
		if (n > 10) break loop1;
	}
}
console.log(n);

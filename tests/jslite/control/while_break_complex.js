let n = 27, steps = 0, peak = n;
while (true) {
	if (n === 1) break;
	n = n % 2 ? 3 * n + 1 : n / 2;
	if (n > peak) peak = n;
	steps++;
}
console.log(steps, peak);

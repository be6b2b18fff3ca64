for (let y = -1; y <= 1; y += 0.25) {
	let line = "";
	for (let x = -2; x <= 0.5; x += 0.125) {
		let zr = 0, zi = 0, i = 0;
		while (i < 50 && zr * zr + zi * zi < 4) {
			const t = zr * zr - zi * zi + x;
			zi = 2 * zr * zi + y;
			zr = t;
			i++;
		}
		line += i === 50 ? "#" : i > 5 ? "+" : ".";
	}
	console.log(line);
}

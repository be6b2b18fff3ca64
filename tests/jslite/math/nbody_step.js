const bodies = [
	{ x: 0, y: 0, vx: 0, vy: 0, m: 39.47841760435743 },
	{ x: 4.84, y: -1.16, vx: 0.606, vy: 2.81, m: 0.037 },
	{ x: 8.34, y: 4.12, vx: -1.01, vy: 1.82, m: 0.011 },
];
const dt = 0.01;
for (let s = 0; s < 1000; s++) {
	for (let i = 0; i < bodies.length; i++)
		for (let j = i + 1; j < bodies.length; j++) {
			const a = bodies[i], b = bodies[j];
			const dx = a.x - b.x, dy = a.y - b.y;
			const d2 = dx * dx + dy * dy;
			const mag = dt / (d2 * Math.sqrt(d2));
			a.vx -= dx * b.m * mag;
			a.vy -= dy * b.m * mag;
			b.vx += dx * a.m * mag;
			b.vy += dy * a.m * mag;
		}
	for (const b of bodies) {
		b.x += dt * b.vx;
		b.y += dt * b.vy;
	}
}
console.log(bodies.map((b) => b.x.toFixed(9) + "," + b.y.toFixed(9)).join(" "));

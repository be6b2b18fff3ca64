for (let d = 0; d <= 360; d += 30) {
	const r = (d * Math.PI) / 180;
	console.log(d, Math.sin(r).toFixed(6), Math.cos(r).toFixed(6), Math.atan2(Math.sin(r), Math.cos(r)));
}

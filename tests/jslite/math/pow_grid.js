for (let b = 1; b <= 12; b++) {
	const row = [];
	for (let e = -4; e <= 4; e++) row.push(Math.pow(b * 0.7, e * 1.3));
	console.log(row.join(" "));
}

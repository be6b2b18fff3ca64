for (let i = 0; i < 4; i++) {
	try {
		if (i === 1) continue;
		if (i === 3) break;
		console.log("body", i);
	} finally {
		console.log("finally", i);
	}
}

for (let i = 0; i < 3; i++) {
	switch (i) {
		case 0: {
			const msg = "zero";
			console.log(msg);
			break;
		}
		case 1:
			continue;
		default:
			console.log("default", i);
	}
	console.log("after switch", i);
}

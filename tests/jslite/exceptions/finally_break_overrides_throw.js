for (let i = 0; i < 2; i++) {
	try {
		throw new Error("x");
	} finally {
		console.log("fin", i);
		break;
	}
}
console.log("after");

try {
	throw new Error("x");
} catch {
	console.log("caught without binding");
}

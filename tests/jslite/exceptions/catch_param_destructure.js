try {
	throw { code: 7, msg: "seven" };
} catch ({ code, msg }) {
	console.log(code, msg);
}

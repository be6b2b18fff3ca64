const log = [];
outer: for (let i = 0; i < 3; i++) {
	for (let j = 0; j < 3; j++) {
		try {
			if (j === 1) continue outer;
			log.push(i + "" + j);
		} finally {
			log.push("f" + i + j);
		}
	}
}
console.log(log.join(" "));

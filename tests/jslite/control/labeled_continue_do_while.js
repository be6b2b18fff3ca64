let out = [];
let i = 0;
outer: do {
	i++;
	for (let j = 0; j < 3; j++) {
		if (j === i) continue outer;
		out.push(i + ":" + j);
	}
} while (i < 3);
console.log(out.join(" "));

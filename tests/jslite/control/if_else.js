for (const x of [-5, 0, 5, NaN]) {
	if (x > 0) console.log(x, "pos");
	else if (x < 0) console.log(x, "neg");
	else if (x === 0) console.log(x, "zero");
	else console.log(x, "other");
}

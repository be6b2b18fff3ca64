let i = 0, out = [];
do {
	i++;
	if (i === 2) continue;
	out.push(i);
} while (i < 4);
console.log(out.join());

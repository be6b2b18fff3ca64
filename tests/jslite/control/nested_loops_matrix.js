let s = "";
for (let i = 1; i <= 4; i++) {
	let row = "";
	for (let j = 1; j <= 4; j++) row += String(i * j).padStart(4);
	s += row + "\n";
}
console.log(s.trimEnd());

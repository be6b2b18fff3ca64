const vals = [0, -0, "", "0", null, undefined, NaN, false, true, 1, "1"];
for (const a of vals) {
	let row = "";
	for (const b of vals) row += (a == b ? "=" : ".") + (a === b ? "#" : " ");
	console.log(row);
}

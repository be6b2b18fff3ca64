for (let i = 1; i <= 20; i++) {
	let o = "";
	if (i % 3 === 0) o += "Fizz";
	if (i % 5 === 0) o += "Buzz";
	console.log(o || i);
}

let x = "outer";
{
	let x = "inner";
	console.log(x);
	{
		const x = "innermost";
		console.log(x);
	}
}
console.log(x);

const r = (() => {
	let acc = 0;
	for (let i = 0; i < 5; i++) acc += i;
	return acc;
})();
console.log(r);

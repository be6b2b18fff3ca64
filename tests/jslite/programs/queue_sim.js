const q = [];
let t = 0, served = 0, waited = 0;
for (let tick = 0; tick < 50; tick++) {
	if (tick % 3 !== 2) q.push(tick);
	if (tick % 2 === 0 && q.length) {
		waited += tick - q.shift();
		served++;
	}
	t = tick;
}
console.log(t, served, q.length, waited, (waited / served).toFixed(3));

function fannkuch(n) {
	const perm1 = [];
	for (let i = 0; i < n; i++) perm1.push(i);
	const count = new Array(n).fill(0);
	let maxFlips = 0, checksum = 0, permCount = 0, r = n;
	while (true) {
		while (r !== 1) {
			count[r - 1] = r;
			r--;
		}
		const perm = perm1.slice();
		let flips = 0, k;
		while ((k = perm[0]) !== 0) {
			for (let i = 0, j = k; i < j; i++, j--) [perm[i], perm[j]] = [perm[j], perm[i]];
			flips++;
		}
		if (flips > maxFlips) maxFlips = flips;
		checksum += permCount % 2 === 0 ? flips : -flips;
		while (true) {
			if (r === n) return [checksum, maxFlips];
			const p0 = perm1[0];
			for (let i = 0; i < r; i++) perm1[i] = perm1[i + 1];
			perm1[r] = p0;
			count[r]--;
			if (count[r] > 0) break;
			r++;
		}
		permCount++;
	}
}
console.log(fannkuch(7).join(" "));

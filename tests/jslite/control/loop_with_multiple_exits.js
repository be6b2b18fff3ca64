function find(m, target) {
	for (let i = 0; i < m.length; i++) {
		for (let j = 0; j < m[i].length; j++) {
			if (m[i][j] === target) return [i, j];
		}
	}
	return [-1, -1];
}
console.log(find([[1, 2], [3, 4]], 4).join(), find([[1]], 9).join());

const m = [[1, 2], [3, 4]];
m[1][0] = 30;
console.log(m[1][0], m.length, m[0].length, JSON.stringify(m));
const grid = [];
for (let i = 0; i < 3; i++) {
	grid.push([]);
	for (let j = 0; j < 3; j++) grid[i].push(i * 3 + j);
}
console.log(JSON.stringify(grid));

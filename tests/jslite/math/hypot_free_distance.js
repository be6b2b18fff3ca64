function dist(x1, y1, x2, y2) {
	return Math.sqrt((x2 - x1) ** 2 + (y2 - y1) ** 2);
}
console.log(dist(0, 0, 3, 4), dist(1, 1, 2, 2), dist(-1.5, 2, 7.25, -3));

// outside the subset: class declarations
class Point {
	constructor(x) {
		this.x = x;
	}
}

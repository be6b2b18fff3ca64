// outside the subset: a constructor function (it needs 'this' and prototypes)
function Point(x, y) {
	return { x, y };
}
const p = new Point(1, 2);
console.log(p.x + p.y);

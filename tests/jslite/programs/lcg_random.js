let state = 12345;
function next() {
	state = (Math.imul(state, 1103515245) + 12345) >>> 0;
	return state / 4294967296;
}
const xs = [];
for (let i = 0; i < 8; i++) xs.push(next().toFixed(6));
console.log(xs.join(" "));

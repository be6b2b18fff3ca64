console.log(sq(4));
function sq(x) {
	return x * x;
}

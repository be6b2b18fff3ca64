function make(d) {
	return d === 0 ? { l: null, r: null } : { l: make(d - 1), r: make(d - 1) };
}
function check(t) {
	return t.l === null ? 1 : 1 + check(t.l) + check(t.r);
}
for (let d = 4; d <= 12; d += 4) console.log(d, check(make(d)));

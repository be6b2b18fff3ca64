// outside the subset: setters
const o = {
	set x(v) {},
};

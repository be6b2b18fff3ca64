// outside the subset: this in a plain function
function f() {
	return this;
}

// outside the subset: a function of its own strictness in a sloppy script
function f() {
	"use strict";
	return 1;
}

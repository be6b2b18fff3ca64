// outside the subset: async functions
async function f() {
	return 1;
}

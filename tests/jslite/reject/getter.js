// outside the subset: getters
const o = {
	get x() {
		return 1;
	},
};

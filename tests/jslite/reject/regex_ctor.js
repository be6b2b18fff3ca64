// outside the subset: the RegExp constructor
const r = new RegExp("a+");

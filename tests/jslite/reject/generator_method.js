// outside the subset: generator methods
const o = { *gen() {} };

// outside the subset: __proto__
const o = { __proto__: null };

// outside the subset: Symbol
const s = Symbol("tag");

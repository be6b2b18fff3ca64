// outside the subset: class expressions
const C = class {};

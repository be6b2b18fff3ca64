// outside the subset: prototypes
function F() {}
F.prototype.hello = 1;

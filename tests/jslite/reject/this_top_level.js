// outside the subset: this at the top level
console.log(this);

// outside the subset: this in an arrow function at the top level
const f = () => this;

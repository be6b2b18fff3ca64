// outside the subset: regular expression literals
const r = /ab+c/g;

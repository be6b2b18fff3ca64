// outside the subset: eval
eval("1 + 1");

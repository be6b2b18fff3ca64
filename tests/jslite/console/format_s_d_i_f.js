console.log("%s is %d years", "Bob", 42);
console.log("%i %f %d", 3.9, "2.5", "abc");
console.log("%s %s", "only one");
console.log("100%", "%% literal %%", "%");
console.log("%d%%", 50, "extra", 1);

console.log("3" * "4", "10" / "4", "7" - 2, "7" + 2, 2 + "7", "5" % 3);
console.log("1" - - "1", "a" - 1, true + true, null + 1, undefined * 2);

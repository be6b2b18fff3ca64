console.log("5" * 1 + 1, "5" + 1 * 1, "10" / "2" + "1");
console.log(parseInt("12abc") + parseFloat("1.5x"));

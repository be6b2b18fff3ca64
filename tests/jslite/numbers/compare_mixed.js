console.log(1 < 2, "10" < "9", 10 < 9, "10" < 9, "a" < "b", "B" < "a");
console.log(null >= 0, undefined >= 0, null == 0, null == undefined);
console.log(1 == "1", 1 === "1", 0 == "", "0" == false, true == 1);

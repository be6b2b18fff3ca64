console.log(1 < "2", "a" < 1, null < 1, undefined < 1, true > false, "abc" > "ab");
console.log([2] > 1, [1, 2] < 3, "" < 0, " " == 0);

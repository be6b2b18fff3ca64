// Objects in < <= > >= and == are converted as ToPrimitive does (String(o) for the
// objects of JSLite); found by the differential fuzzer ({} > "'" was false).
const o = {}, a = [1, 2], e = [], m = new Map();
console.log(o > "'", o < "'", o >= "[object Object]", o <= "[object Object]", o < "[object P]");
console.log(a > "1,1", a < "1,3", a <= 12, [5] < 6, [5] > 4, e < 1, e <= 0, e >= 0);
console.log([10] > [9], ["b"] > ["a"], [1, 2] < [1, 3], o > 1, o < 1, o >= o, m > "[object L]");
console.log(a == "1,2", [1] == 1, [1] == "1", e == "", e == 0, o == "[object Object]", [0] == false);
console.log([1, 2] != "1,2", [null] == "", [undefined] == 0, [[]] == "", m == "[object Map]");
console.log("x" < [], [] < "x", [2] < "10", ["2"] < [10], null < [1], undefined < [1]);

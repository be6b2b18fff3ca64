console.log(String(1), String(null), String(undefined), String(true), String(-0), String(1e21));
console.log(String("s"), String(NaN), String(Infinity), String([1, [2, 3]]), String({}));

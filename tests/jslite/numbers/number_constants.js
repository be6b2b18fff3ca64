console.log(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.EPSILON);
console.log(Number.MAX_VALUE, Number.MIN_VALUE, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
console.log(Number.NaN, 1 + Number.EPSILON > 1, 1 + Number.EPSILON / 2 > 1);

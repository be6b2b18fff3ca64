const a = [1, 2, 3, 2, 1, NaN, -0];
console.log(a.indexOf(2), a.indexOf(2, 2), a.indexOf(9), a.lastIndexOf(2), a.lastIndexOf(1, 3));
console.log(a.indexOf(NaN), a.lastIndexOf(NaN), a.indexOf(0), a.indexOf(-0), a.indexOf(1, -3));
console.log(a.includes(NaN), a.includes(0), a.includes("1"), a.includes(2, 4));

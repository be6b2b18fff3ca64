const a = [1, [2, [3, [4, [5]]]]];
console.log(JSON.stringify(a.flat()), JSON.stringify(a.flat(2)), JSON.stringify(a.flat(Infinity)), JSON.stringify(a.flat(0)));
console.log(JSON.stringify([[1, 2], [3, 4]].flat()));

const a = [1, 2, 3];
console.log(a.length, a[0], a[2], a[3], [].length, [[]].length);
console.log(JSON.stringify(a), JSON.stringify([1, "a", true, null]));

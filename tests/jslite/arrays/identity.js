const a = [1];
const b = a;
b.push(2);
console.log(a.length, a === b, [1] === [1], [] == []);

const a = [1, 2, 3, 4];
const r = a.reverse();
console.log(JSON.stringify(a), r === a, JSON.stringify([].reverse()), JSON.stringify([1].reverse()));

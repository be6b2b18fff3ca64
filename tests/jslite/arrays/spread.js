const a = [1, 2], b = [3];
console.log(JSON.stringify([...a, ...b, 4]), JSON.stringify([..."hi"]), Math.max(...a, ...b));
const c = [...a];
c.push(9);
console.log(a.length, c.length, JSON.stringify([...new Set([3, 3, 4])]));

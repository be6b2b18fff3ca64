const a = [];
console.log(a.push(1), a.push(2, 3), JSON.stringify(a));
console.log(a.pop(), a.pop(), a.length, [].pop());

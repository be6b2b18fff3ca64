const a = [1, 2, 3];
a.push(4);
a.shift();
a.splice(1, 1);
a.unshift(0);
console.log(a.length, JSON.stringify(a));

const a = [1, 2, 3, 4, 5];
console.log(JSON.stringify(a.splice(-3, 2)), JSON.stringify(a), JSON.stringify(a.splice(1, -1)), JSON.stringify(a));

const a = [0, 1, 2, 3, 4, 5];
console.log(JSON.stringify(a.splice(1, 2)), JSON.stringify(a));
console.log(JSON.stringify(a.splice(-2)), JSON.stringify(a));
console.log(JSON.stringify(a.splice(0)), JSON.stringify(a));

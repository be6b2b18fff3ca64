const a = [1, 5];
console.log(JSON.stringify(a.splice(1, 0, 2, 3, 4)), JSON.stringify(a));
console.log(JSON.stringify(a.splice(2, 1, "x", "y")), JSON.stringify(a));
console.log(JSON.stringify(a.splice(100, 1, "end")), JSON.stringify(a));

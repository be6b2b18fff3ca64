const a = [0, 1, 2, 3, 4, 5];
console.log(JSON.stringify(a.slice(2)), JSON.stringify(a.slice(1, 3)), JSON.stringify(a.slice(-2)));
console.log(JSON.stringify(a.slice(-4, -1)), JSON.stringify(a.slice(4, 2)), JSON.stringify(a.slice()));
console.log(a.slice() !== a, JSON.stringify(a.slice(0, 100)));

const a = [1, 2], b = [3, [4, 5]];
console.log(JSON.stringify(a.concat(b)), JSON.stringify(a.concat(6, [7], [[8]])), JSON.stringify(a));
console.log(JSON.stringify([].concat([], [])), a.concat() !== a);

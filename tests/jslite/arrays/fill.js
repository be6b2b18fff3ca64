console.log(JSON.stringify(new Array(3).fill(0)), JSON.stringify([1, 2, 3, 4].fill(9, 1, 3)), JSON.stringify([1, 2, 3].fill(7, -1)));
console.log(JSON.stringify(Array(2).fill("x")), JSON.stringify([1, 2].fill(5, 5)));

console.log(Array(3).length, new Array(3).length, JSON.stringify(Array(1, 2)), JSON.stringify(new Array("3")), JSON.stringify(Array()));
console.log(JSON.stringify(Array(3)), JSON.stringify(Array.of(3)), JSON.stringify(Array.of(1, 2, 3)), JSON.stringify(Array.of()));

console.log(JSON.stringify(Array.from("abc")), JSON.stringify(Array.from([1, 2], (x) => x * 10)));
console.log(JSON.stringify(Array.from({ length: 3 }, (_, i) => i * i)), JSON.stringify(Array.from("😀a")));
console.log(JSON.stringify(Array.from(new Set([1, 1, 2]))), JSON.stringify(Array.from(new Map([[1, 2]]))));

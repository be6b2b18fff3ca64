console.log(JSON.stringify([1, 2, 3].flatMap((x) => [x, x * 2])));

console.log((255).toString(16), (255).toString(2), (255).toString(8), (255).toString(36));
console.log((-255).toString(16), (0).toString(2), (35).toString(36));
console.log((123456789).toString(36), (2 ** 53).toString(2).length);

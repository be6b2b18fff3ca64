const a = { x: 1, y: 2 };
const b = { ...a, y: 3, z: 4 };
const c = { z: 0, ...b };
console.log(JSON.stringify(b), JSON.stringify(c), JSON.stringify({ ...null, ...undefined }));
console.log(JSON.stringify({ ..."ab" }), JSON.stringify({ ...[9, 8] }));

console.log(typeof {}, typeof null, typeof function () {}, typeof (() => 1));
console.log({} instanceof Object, [] instanceof Object, new Error("x") instanceof Error, new TypeError("y") instanceof Error);

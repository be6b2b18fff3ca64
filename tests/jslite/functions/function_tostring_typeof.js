function named() {}
const anon = () => {};
console.log(typeof named, typeof anon, typeof named === "function");

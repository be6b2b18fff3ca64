function named() {}
console.log(named, () => 1);
console.log([named]);

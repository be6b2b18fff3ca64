console.log(String([1, 2, 3]), [1, [2, 3]] + "", [] + "", [null] + "", [undefined, null] + "|");
console.log([1, 2] + [3], `${[4, 5]}`);

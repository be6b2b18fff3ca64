console.log("hello".slice(-2, -1), "hello".slice(-100, 2), "hello".slice(2, -100) === "", "hello".slice(1.5, 3.9));
console.log("hello".substring(-1, 2), "hello".substring(4, -1));

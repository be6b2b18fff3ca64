const add = (a) => (b) => (c) => a + b + c;
console.log(add(1)(2)(3), add("a")("b")("c"));
const add5 = add(5);
console.log(add5(1)(1), add5(10)(10));

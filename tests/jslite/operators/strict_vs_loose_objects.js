const a = { v: 1 };
const b = a;
console.log(a == b, a === b, a == { v: 1 }, [1] == 1, [1, 2] == "1,2", null == false);

console.log(1 + "1", "1" + 1, 1 + 1 + "1" + 1 + 1, +"1" + +"1", "3" - "1", "3" * "3");
console.log([] + [], [] + {}, [1] + [2], true + "1", null + "x", undefined + "x");

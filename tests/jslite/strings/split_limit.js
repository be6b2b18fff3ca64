console.log(JSON.stringify("a b c d".split(" ", 3)), JSON.stringify("abc".split("", 2)), JSON.stringify("abc".split("", 10)));

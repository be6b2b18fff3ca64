console.log("abc".length, (5).toFixed(1), true.toString(), "x".foo);

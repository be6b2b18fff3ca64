console.log("aaa".replace("a", "b"), "hello world".replace("o", "0"), "abc".replace("x", "y"));
console.log("a.b.c".replace(".", "-"), "abc".replace("", "-"), "abc".replace("c", "$&$&"));
console.log("abc".replace("b", "[$`|$']"), "abc".replace("b", "$$"), "x".replaceAll("x", "yy"));
console.log("a-b-c".replaceAll("-", "+"), "aaaa".replaceAll("aa", "b"), "abc".replaceAll("", "."));

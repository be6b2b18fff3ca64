const s = "a😀b😀c";
console.log(s.slice(1, 3), s.slice(1, 2).length, s.slice(2), s.substring(3, 1));
console.log(s.indexOf("b"), s.indexOf("😀", 2), s.lastIndexOf("😀"), s.indexOf("\uDE00"));

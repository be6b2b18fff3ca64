console.log("Hello World".toUpperCase(), "Hello World".toLowerCase(), "ÀÉÎõü".toLowerCase(), "àéîÕÜ".toUpperCase());
console.log("123abc!".toUpperCase(), "".toLowerCase() === "");

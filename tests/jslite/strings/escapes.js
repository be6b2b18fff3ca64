console.log("tab\there", "nl\\n", "quote\"s", 'single\'s', "\x41\u0042\u{43}", "back\\slash");
console.log("a\
b", "\0".length, "\v\f\b".length);

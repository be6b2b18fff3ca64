console.log(JSON.parse("1"), JSON.parse("-1.5e3"), JSON.parse('"s"'), JSON.parse("true"), JSON.parse("null"));
console.log(JSON.parse(" 42 "), JSON.parse('"\\u0041\\n"'), JSON.parse("-0"), 1 / JSON.parse("-0"));

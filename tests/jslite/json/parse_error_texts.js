const xs = ["{", "[1,]", "", "{'a':1}", "tru", "trux", "1 2", '"\\x"', "01", "1.", ".5", "+1", "[1 2]", '{"a" 1}', "NaN", "undefined", "Infinity", '"\t"', "[", "{}x",
 "-", "-x", "1e", "1e+", "1.5e", '"\\u12"', '"\\u12g4"', '"abc', '"abc\\', '{"a":1,}', '{"a":1 "b"}', '{,}', "[,1]", "nul", "nulx", "fals", "{\"a\":1}   {", "[1,2,3,4,5,6,7,8,9,10,11,12,x]", "[\"aaaaaaaaaaaaaaaaaaaaaaaaa\", x]", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 x]", "0x10", "1.e5", "-01", "[-]", "{\"a\":}", "[1,2", "{\"a\"", "{\"a\":1", "   ", "\"\u00e9\" x", "[\"\u00e9\", x]", "[object Object]", "truex", "1.5.5", "1ee", "--1", "[1,,2]", "{\"a\":1}}", "\"\\ud800\"x"];
for (const s of xs) {
	try { JSON.parse(s); console.log("parsed", JSON.stringify(s)); } catch (e) { console.log(e.name, JSON.stringify(s), e.message); }
}

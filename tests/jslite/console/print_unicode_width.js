// Line breaking counts UTF-16 code units, not UTF-8 bytes (found by the differential
// fuzzer); column grouping of long arrays counts display columns (wide characters 2).
console.log({ c: "ab", "'b$9": 4294967295, b: '{\n "c": "€"\n}', "9$a.€": "0.1" });
console.log({ a: "ééééééééééééééééééééé", b: "ßßßßßßßßßßßßßßßß", c: "€€€€€€€€€€€€€€€€" });
console.log({ a: "😀😀😀😀😀😀😀😀😀😀", b: "😀😀😀😀😀😀😀😀😀😀😀", c: "😀😀😀😀😀😀😀😀😀😀" });
console.log(["é", "éé", "ééé", "a", "bb", "ccc", "dddd", "€", "x", "yy", "zzz", "ß"]);
console.log(["😀", "😀😀", "a", "bb", "ccc", "dddd", "e", "ff", "ggg", "h", "ii", "jjj", "k"]);
console.log(["日本", "語", "a", "bb", "ccc", "dddd", "e", "ff", "ggg", "h", "ii", "jjj", "kk"]);
console.log(Array.from({ length: 30 }, (_, i) => "é".repeat(i % 5)));

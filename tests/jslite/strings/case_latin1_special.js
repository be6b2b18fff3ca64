// Latin-1 letters whose upper case is not Latin-1 or is two letters (found by the
// differential fuzzer: "ß".toUpperCase() printed "ß").
const s = "straße ÿ µ é ß😀ß";
const u = s.toUpperCase();
console.log(u, u.length, s.length, u.replace("Μ", "M").toLowerCase());
console.log("ß".toUpperCase().length, "ß".toUpperCase() === "SS", "ÿ".toUpperCase().codePointAt(0));
console.log("µ".toUpperCase().codePointAt(0), "ÀÿÞþ".toUpperCase(), "ÀÿÞþ".toLowerCase());
console.log("ßa".toUpperCase().indexOf("A"), "xßy".toUpperCase().slice(1, 3), "€ß".toUpperCase());

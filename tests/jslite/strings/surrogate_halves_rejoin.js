// Halves of a surrogate pair put back together by join, concat, padStart, repeat or
// replace are the character again, as their code units are (found by the differential
// fuzzer: "[😀'".split("").join("") printed two U+FFFD).
const s = "a😀b🎉";
const units = s.split("");
console.log(units.length, units.join("") === s, units.join(""), units.join("|").length);
console.log(s[1].concat(s[2]) === "😀", [s[1], s[2]].join(""), "x".concat(s[1], s[2], "y"));
console.log(s[2].padStart(2, s[1]) === "😀", s[1].repeat(1) + s[2], units.reverse().join("").length);
console.log(JSON.stringify(s[1] + s[2]), JSON.stringify([s[1], s[2]].join("")), (s[1] + "-" + s[2]).split("-").join(""));
console.log([...units.join("")].length, units.join("").codePointAt(1), s.split("").slice(1, 3).join("") === "😀");

// An empty pattern matches between UTF-16 code units, so between the two halves of an
// astral character too (found by the differential fuzzer; PENDING).
console.log(JSON.stringify("😀".replaceAll("", "-")), JSON.stringify("x😀y".replaceAll("", "|")));
console.log(JSON.stringify("😀".replaceAll("", (m, at) => "<" + at + ">")));

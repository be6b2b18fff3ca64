const s = JSON.parse('"\\ud83d\\ude00 \\u00e9 é"');
console.log(s, s.length);
console.log(JSON.parse('"\\ud83d"').length, JSON.parse('"\\/"'));

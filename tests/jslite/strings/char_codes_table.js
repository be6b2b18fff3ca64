let line = "";
for (let c = 32; c < 127; c++) line += String.fromCharCode(c);
console.log(line);
console.log(line.length, line.indexOf("A"), line.charCodeAt(94));

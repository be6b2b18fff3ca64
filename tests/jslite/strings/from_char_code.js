console.log(String.fromCharCode(72, 105), String.fromCharCode(0x20AC), String.fromCharCode(0xD83D, 0xDE00));
console.log(String.fromCharCode(65 + 65536), String.fromCharCode(), String.fromCodePoint(0x1F600, 97));

const s = "hello";
let out = "";
for (let i = s.length - 1; i >= 0; i--) out += s[i];
console.log(out);
let cnt = 0;
for (let i = 0; i < s.length; i++) if (s[i] === "l") cnt++;
console.log(cnt);

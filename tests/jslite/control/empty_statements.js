;;;
if (true);
for (let i = 0; i < 2; i++);
console.log("ok");

const e = new Error("visible");
console.log(e.message, String(e), e.name);

const e = Error("plain");
const t = TypeError("typed");
console.log(e.message, t.name, t instanceof TypeError, Error().message === "");

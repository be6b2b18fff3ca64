const e = new Error("msg");
e.message = "changed";
console.log(e.message, String(e));
const e2 = new Error();
console.log(JSON.stringify(e2.message), String(e2));
const e3 = new Error(42);
console.log(typeof e3.message, e3.message);

const errs = [new Error("e"), new TypeError("t"), new RangeError("r"), new ReferenceError("f")];
for (const e of errs) console.log(e.name, e.message, e instanceof Error, e instanceof TypeError, String(e));

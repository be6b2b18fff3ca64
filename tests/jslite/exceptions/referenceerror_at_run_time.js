try { undeclaredVariable + 1; } catch (e) { console.log(e.name, e.message, e instanceof ReferenceError); }
try { foo(console.log("arg")); } catch (e) { console.log(e.name, e.message); }
console.log(typeof nope, typeof Math, typeof parseInt);
function later() { return notYet; }
try { later(); } catch (e) { console.log(e.message); }
if (false) console.log(neverRead);
console.log("done");

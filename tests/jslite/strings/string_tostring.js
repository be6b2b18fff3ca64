console.log("abc".toString(), "abc".valueOf(), typeof "abc".toString());

console.log("abc".trim() === "abc", " ".trim() === "", "\n".trim().length);

const s = new Set(["c", "a", "b"]);
s.delete("a");
s.add("a");
s.add("c");
console.log([...s].join(), Array.from(s).length);

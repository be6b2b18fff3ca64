const m = new Map([["z", 1], ["a", 2], [3, 3], ["1", 4]]);
m.set("z", 10);
m.delete("a");
m.set("a", 20);
console.log(JSON.stringify([...m.keys()]), JSON.stringify([...m.values()]));
console.log(JSON.stringify([...m.entries()]), JSON.stringify([...m]));

const a = ["a", "b"];
console.log(JSON.stringify([...a.keys()]), JSON.stringify([...a.values()]), JSON.stringify([...a.entries()]));

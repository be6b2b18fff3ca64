console.log(JSON.stringify({ date: "2020", nested: { arr: [true, false, null] } }));

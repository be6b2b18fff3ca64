console.log(JSON.stringify({ a: [], b: {}, c: [[]], d: [{}] }, null, 2));

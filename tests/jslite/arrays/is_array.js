console.log(Array.isArray([]), Array.isArray([1]), Array.isArray({}), Array.isArray("a"), Array.isArray(null), Array.isArray(new Uint8Array(2)));

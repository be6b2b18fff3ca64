for (const n of [0, 1, 31, 32, 33, -1, 63]) console.log(n, 1 << n, -8 >> n, -8 >>> n);

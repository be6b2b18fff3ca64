console.log(JSON.stringify([0.1, 1e-7, 123456789012345680000, -1.5, 2 ** 53, 5e-324]));

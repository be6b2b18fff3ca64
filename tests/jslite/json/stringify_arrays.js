console.log(JSON.stringify([]), JSON.stringify([1, [2, [3]]]), JSON.stringify([undefined, function () {}, NaN]));

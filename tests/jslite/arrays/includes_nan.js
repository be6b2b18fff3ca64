console.log([NaN].includes(NaN), [NaN].indexOf(NaN), [0].includes(-0), [-0].indexOf(0), [1, 2, 3].includes(3, -1));

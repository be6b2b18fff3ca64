console.log(-0 === 0, -0 == 0, -0 < 0, -0 > 0);
console.log(Object.is(-0, -0), Object.is(0, -0));
console.log([-0].includes(0), [0].indexOf(-0));

console.log(String(123), String(1.5e-7), String(-1e21), (25).toString(), 1e21 + "");
console.log(`${0.1 + 0.2}`, [1.5, -0, NaN].join());

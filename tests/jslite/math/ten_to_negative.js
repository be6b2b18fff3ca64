for (let e = 1; e <= 30; e++) console.log(-e, 10 ** -e, 2 ** (-e * 3.3));

for (let b = 2; b <= 9; b++) console.log(b, b ** 20, b ** -3, (-b) ** 7, b ** 0.5);

for (let i = -10; i <= 10; i++) console.log(i / 3, Math.atan(i / 3), Math.atan2(i, 3), Math.atan2(3, i));
console.log(Math.atan2(0, -0), Math.atan2(-0, -0), Math.atan2(0, 0), Math.atan2(-0, 0), Math.atan(Infinity));
console.log(Math.atan2(Infinity, Infinity), Math.atan2(-Infinity, -Infinity), Math.atan2(1, -Infinity));

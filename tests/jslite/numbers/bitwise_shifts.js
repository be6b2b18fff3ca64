console.log(-16 >> 2, -16 >>> 2, 16 << -1, 16 >> 33, 255 >>> 4);
console.log(0x80000000 >> 0, 0x80000000 >>> 0, 0xFFFFFFFF & 0xFF);
console.log(3.7 << 1, "8" >> 1, true << 3);

// SPDX-License-Identifier: MIT
// 50M iterations of s = (s + i*i) % 7: a tight loop of integer arithmetic
// (i*i reaches 2.5e15: past 32 bits, exact in a double).
let s = 0;
for (let i = 0; i < 50000000; i++)
	s = (s + i * i) % 7;
console.log(s);

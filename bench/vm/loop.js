// SPDX-License-Identifier: MIT
let i = 0;
let s = 0;
while (i < 3000000) {
	s = s + i % 7;
	i = i + 1;
}
console.log(s);

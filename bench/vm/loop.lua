-- SPDX-License-Identifier: MIT
-- 50M iterations of s = (s + i*i) % 7 (the same loop as loop.js).
local s = 0
for i = 0, 49999999 do
	s = (s + i * i) % 7
end
print(s)

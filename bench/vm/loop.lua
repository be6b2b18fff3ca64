-- SPDX-License-Identifier: MIT
local i = 0
local s = 0
while i < 3000000 do
	s = s + i % 7
	i = i + 1
end
print(s)

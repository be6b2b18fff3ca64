-- SPDX-License-Identifier: MIT
-- Build a 1M-element array of strings and join it, three times (as strjoin.js).
local total = 0
for _ = 1, 3 do
	local a = {}
	for i = 0, 999999 do a[#a + 1] = "item" .. i end
	local s = table.concat(a, ",")
	total = total + #s
end
print(total)

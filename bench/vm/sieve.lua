-- SPDX-License-Identifier: MIT
-- Sieve of Eratosthenes to 10M, three times (the same algorithm as sieve.js).
local function sieve(n)
	local flags = {}
	for i = 1, n do flags[i] = true end
	local count = 0
	for i = 2, n do
		if flags[i] then
			count = count + 1
			for j = i * i, n, i do flags[j] = false end
		end
	end
	return count
end

local count = 0
for _ = 1, 3 do
	count = count + sieve(10000000)
end
print(count)

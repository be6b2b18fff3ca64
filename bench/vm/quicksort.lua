-- SPDX-License-Identifier: MIT
-- Quicksort of 1M pseudo-random integers (the same algorithm as quicksort.js;
-- indexes from 1).
local floor = math.floor
local seed = 42
local function rand()
	seed = (seed * 16807) % 2147483647
	return seed
end

local function qsort(a, lo, hi)
	while lo < hi do
		local p = a[floor((lo + hi) / 2)]
		local i, j = lo, hi
		while i <= j do
			while a[i] < p do i = i + 1 end
			while a[j] > p do j = j - 1 end
			if i <= j then
				a[i], a[j] = a[j], a[i]
				i = i + 1
				j = j - 1
			end
		end
		if j - lo < hi - i then
			qsort(a, lo, j)
			lo = i
		else
			qsort(a, i, hi)
			hi = j
		end
	end
end

local n = 1000000
local a = {}
for i = 1, n do a[i] = rand() % 1000000 end
qsort(a, 1, n)
local sorted = true
for i = 2, n do
	if a[i - 1] > a[i] then sorted = false end
end
print(tostring(sorted) .. " " .. string.format("%d %d %d", a[1], a[n / 2 + 1], a[n]))

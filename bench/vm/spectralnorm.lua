-- SPDX-License-Identifier: MIT
-- spectral-norm(1000) (as spectralnorm.js; arrays from 1, A's arguments from 0).
local function A(i, j)
	return 1 / ((i + j) * (i + j + 1) / 2 + i + 1)
end

local function Au(u, v, n)
	for i = 1, n do
		local t = 0
		for j = 1, n do t = t + A(i - 1, j - 1) * u[j] end
		v[i] = t
	end
end

local function Atu(u, v, n)
	for i = 1, n do
		local t = 0
		for j = 1, n do t = t + A(j - 1, i - 1) * u[j] end
		v[i] = t
	end
end

local function AtAu(u, v, w, n)
	Au(u, w, n)
	Atu(w, v, n)
end

local n = 1000
local u, v, w = {}, {}, {}
for i = 1, n do u[i] = 1; v[i] = 0; w[i] = 0 end
for _ = 1, 10 do
	AtAu(u, v, w, n)
	AtAu(v, u, w, n)
end
local vBv, vv = 0, 0
for i = 1, n do
	vBv = vBv + u[i] * v[i]
	vv = vv + v[i] * v[i]
end
print(string.format("%.9f", math.sqrt(vBv / vv)))

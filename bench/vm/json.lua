-- SPDX-License-Identifier: MIT
-- JSON round trip of a 10 MB document, twice (as json.js), with lua-cjson:
-- Lua has no JSON of its own, and cjson is C, as JSON.parse is in JSLite and
-- node. Keys come out in a different order, so the lengths and sums are compared.
local cjson = require("cjson")
local recs = {}
for i = 0, 64999 do
	recs[#recs + 1] = { id = i, name = "record number " .. i,
		tags = { "alpha", "beta" .. (i % 10), "gamma" }, value = (i * 7919) % 100003,
		ratio = (i % 1000) / 8, active = i % 3 == 0,
		pos = { x = i % 1000, y = (i * 31) % 977, label = "p" .. (i % 97) } }
end
local out = ""
for _ = 1, 2 do
	local text = cjson.encode(recs)
	local back = cjson.decode(text)
	local sum = 0
	for i = 1, #back do
		sum = sum + back[i].value + back[i].pos.x + back[i].ratio
	end
	local again = cjson.encode(back)
	out = #text .. " " .. tostring(#again == #text) .. " " .. string.format("%.17g", sum)
end
print(out)

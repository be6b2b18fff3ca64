-- SPDX-License-Identifier: MIT
-- binary-trees(16) (as binarytrees.js; nodes are tables {l = ..., r = ...}).
local function bottomUp(d)
	if d == 0 then return { l = false, r = false } end
	return { l = bottomUp(d - 1), r = bottomUp(d - 1) }
end

local function check(t)
	if not t.l then return 1 end
	return 1 + check(t.l) + check(t.r)
end

local maxDepth = 16
local stretch = maxDepth + 1
print("stretch tree of depth " .. stretch .. "\t check: " .. check(bottomUp(stretch)))
local longLived = bottomUp(maxDepth)
for d = 4, maxDepth, 2 do
	local iters = math.floor(2 ^ (maxDepth - d + 4))
	local c = 0
	for _ = 1, iters do c = c + check(bottomUp(d)) end
	print(iters .. "\t trees of depth " .. d .. "\t check: " .. c)
end
print("long lived tree of depth " .. maxDepth .. "\t check: " .. check(longLived))

-- SPDX-License-Identifier: MIT
-- fib(35): calls and small-integer arithmetic (the same algorithm as fib.js).
local function fib(n)
	if n < 2 then return n end
	return fib(n - 1) + fib(n - 2)
end
print(fib(35))

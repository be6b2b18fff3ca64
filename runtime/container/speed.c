/* SPDX-License-Identifier: MIT */
/* The container's VM speed: million JSLite instructions per second on a fixed loop. */
#include <stdint.h>
#include <time.h>

#include "common/clock.h"
#include "runtime/container/container.h"
#include "vm/jsl.h"
#include "vm/vm.h"

uint32_t rt_measure_speed(void)
{
	static const char prog[] = "let i = 0; let s = 0;\n"
				   "while (i < 300000) { s = s + i % 7; i = i + 1; }\n"
				   "s;\n";
	struct vm_store *st = vm_store_new(0);
	struct vm_result res = { 0 };
	struct vm_limits lim = { 0 };
	uint64_t root, ns, t0;
	char err[256];
	uint32_t mips = 1;

	if (!st)
		return 1;
	if (jsl_compile(st, "<speed>", prog, sizeof(prog) - 1, &root, err, sizeof(err)) < 0)
		goto out;
	t0 = clock_now_ns();
	if (vm_run(st, root, &lim, &res) < 0 || res.status != VM_OK)
		goto out;
	ns = clock_now_ns() - t0;
	if (ns)
		mips = (uint32_t)(res.fuel_used * 1000 / ns);
	if (!mips)
		mips = 1;
out:
	vm_result_free(&res);
	vm_store_free(st);
	return mips;
}

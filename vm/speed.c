/* SPDX-License-Identifier: MIT */
/*
 * The speed unit of SpeedMinimum (man tasklet-qos(7)): millions of VM
 * instructions per second on a fixed calibration loop, the median of
 * VM_SPEED_RUNS short runs (so one preempted run does not decide it). The
 * same loop on the same build gives the same instruction count on every
 * host, so the figure compares hosts; containers measure it at start-up and
 * again while they run, applications measure their own for the relative
 * form.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/clock.h"
#include "vm/vm.h"

#define VM_SPEED_RUNS 5

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t vm_measure_speed(void)
{
	static const char prog[] = "let i = 0; let s = 0;\n"
				   "while (i < 100000) { s = s + i % 7; i = i + 1; }\n"
				   "s;\n";
	struct vm_store *st = vm_store_new(0);
	uint32_t mips[VM_SPEED_RUNS];
	uint64_t root;
	char err[256];
	int n = 0;

	if (!st)
		return 1;
	if (jsl_compile(st, "<speed>", prog, sizeof(prog) - 1, &root, err, sizeof(err)) < 0)
		goto out;
	for (int k = 0; k < VM_SPEED_RUNS; k++) {
		struct vm_result res = { 0 };
		struct vm_limits lim = { 0 };
		uint64_t t0 = clock_now_ns(), ns;

		if (vm_run(st, root, &lim, &res) < 0 || res.status != VM_OK) {
			vm_result_free(&res);
			break;
		}
		ns = clock_now_ns() - t0;
		mips[n++] = ns ? (uint32_t)(res.fuel_used * 1000 / ns) : 1;
		vm_result_free(&res);
	}
out:
	vm_store_free(st);
	if (!n)
		return 1;
	qsort(mips, (size_t)n, sizeof(mips[0]), cmp_u32);
	return mips[n / 2] ? mips[n / 2] : 1;
}

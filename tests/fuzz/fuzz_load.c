/* SPDX-License-Identifier: MIT */
/*
 * Description: libFuzzer target for the chunk decoder and the program loader:
 * arbitrary bytes as a Tasklet's chunks, taken in as a container takes a
 * fetched graph (vm_chunk_decode each 272-byte chunk, vm_store_put,
 * vm_store_missing), then QoS read and vm_new + vm_step in small slices +
 * vm_finish under small limits. Run by `make fuzz` / `make fuzz-smoke`, seeded
 * with the compiled conformance programs (build/fuzz/seeds/fuzz_load, made by
 * tests/fuzz/mkseed.c), so mutations reach the loader's checks of code,
 * constants and tables, not only the decoder's.
 *
 * Oracles besides the sanitizers: a decode failure and a load failure say
 * why; a run ends (fuel) with a status in range; decoding what encoding
 * produced gives the same chunk back; the word-wise decoder and the
 * bytewise one agree on every chunk; vm_store_put_wires (a container's way
 * in) stores the same chunks as decode + put, one by one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_chunks.h"
#include "vm/chunk_int.h"
#include "vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_limits lim = { .fuel = FUZZ_FUEL, .heap_bytes = FUZZ_HEAP,
				 .output_bytes = FUZZ_OUTPUT, .seed = 1 };
	struct vm_store *st = vm_store_new(0), *st2 = vm_store_new(0);
	struct vm_result res = { 0 };
	struct vm_qos qos[VM_QOS_MAX];
	uint64_t root = 0, missing[4];
	char err[256];
	struct vm *vm;
	int n;

	if (!st || !st2)
		abort();
	for (size_t off = 0; off + VM_CHUNK_WIRE_SIZE <= size; off += VM_CHUNK_WIRE_SIZE) {
		struct vm_chunk c, again;
		uint8_t wire[VM_CHUNK_WIRE_SIZE];
		int slow = vm_chunk_decode_bytewise(data + off, VM_CHUNK_WIRE_SIZE, NULL, NULL, 0);

		err[0] = '\0';
		if (vm_chunk_decode(data + off, VM_CHUNK_WIRE_SIZE, &c, err, sizeof(err)) < 0) {
			if (!err[0] || slow == 0)
				abort();
			continue;
		}
		if (slow != 0)
			abort();
		vm_chunk_encode(&c, wire);
		if (memcmp(wire, data + off, sizeof(wire)) ||
		    vm_chunk_decode(wire, sizeof(wire), &again, NULL, 0) < 0 || again.id != c.id)
			abort();
		if (!root)
			root = c.id;
		vm_store_put(st, &c); /* -EEXIST for a second, different chunk of that id: skipped */
	}
	{ /* the frame way: refused chunks skipped, as the loop above skips them */
		size_t nw = size / VM_CHUNK_WIRE_SIZE, from = 0;
		const struct vm_chunk **stored = malloc((nw + 1) * sizeof(*stored));
		uint64_t *links = malloc((nw * VM_CHUNK_SLOTS + 1) * sizeof(*links));
		struct vm_wire_batch b = {
		    .stored = stored, .links = links, .caplinks = nw * VM_CHUNK_SLOTS};

		if (!stored || !links || vm_store_reserve(st2, nw) < 0)
			abort();
		while (from < nw) {
			if (vm_store_put_wires(st2, data + from * VM_CHUNK_WIRE_SIZE, nw - from, &b,
					       err, sizeof(err)) < 0)
				from += 1; /* the refused one */
			from += b.done;
		}
		if (vm_store_count(st2) != vm_store_count(st) || b.nstored != vm_store_count(st))
			abort();
		for (size_t i = 0; i < b.nstored; i++) {
			const struct vm_chunk *one = vm_store_get(st, stored[i]->id);
			uint8_t w1[VM_CHUNK_WIRE_SIZE], w2[VM_CHUNK_WIRE_SIZE];

			if (!one)
				abort();
			vm_chunk_encode(one, w1);
			vm_chunk_encode(stored[i], w2);
			if (memcmp(w1, w2, sizeof(w1)))
				abort();
		}
		free(stored);
		free(links);
	}
	if (!root)
		goto out;
	n = vm_store_missing(st, root, VM_MAX_TASKLET_CHUNKS, missing, 4);
	if (n != 0)
		goto out; /* a container would fetch the rest; there is no rest */
	err[0] = '\0';
	if (vm_qos_read(st, root, qos, VM_QOS_MAX, err, sizeof(err)) < 0 && !err[0])
		abort();

	vm = vm_new(st, root, &lim, NULL);
	if (!vm)
		abort();
	/* slices of 997 instructions, as a container's worker runs in slices */
	for (int k = 0; k < 1000 && vm_step(vm, 997) == VM_STEP_YIELD; k++)
		;
	vm_finish(vm, &res);
	vm_free(vm);
	if (res.status < VM_OK || res.status > VM_ERR_LOAD)
		abort();
	if (res.status != VM_OK && !res.error[0])
		abort();
	vm_result_free(&res);
out:
	vm_store_free(st);
	vm_store_free(st2);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Description: libFuzzer target for the JSLite compiler (lexer, parser, code
 * generator) and, for what compiles, the loader and the interpreter: source
 * text -> jsl_compile; a compiled program is disassembled, run under small
 * limits (fuel, heap, output), sent through the chunk wire form into a second
 * store as a container would receive it, and run there again. Run by `make
 * fuzz` / `make fuzz-smoke`, seeded with the conformance programs of
 * tests/jslite/.
 *
 * Oracles besides the sanitizers: a compile error is "fuzz.js:LINE:COL: ...";
 * what the compiler emits always loads (never VM_ERR_LOAD); a run is
 * deterministic: the copy prints the same output, value and status.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_chunks.h"
#include "vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void run(const struct vm_store *st, uint64_t root, struct vm_result *res)
{
	struct vm_limits lim = { .fuel = FUZZ_FUEL, .heap_bytes = FUZZ_HEAP,
				 .output_bytes = FUZZ_OUTPUT, .seed = 7 };

	if (vm_run(st, root, &lim, res) < 0)
		abort();
	if (res->status == VM_ERR_LOAD) {
		fprintf(stderr, "compiled program does not load: %s\n", res->error);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_store *st = vm_store_new(0), *copy = NULL;
	struct vm_result r1 = { 0 }, r2 = { 0 };
	struct fuzz_buf b = { 0 };
	uint64_t root;
	char err[512];

	if (!st)
		abort();
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	err[0] = '\0';
	if (jsl_compile(st, "fuzz.js", (const char *)data, size, &root, err, sizeof(err)) < 0) {
		if (strncmp(err, "fuzz.js:", 8)) {
			fprintf(stderr, "compile error without a position: '%s'\n", err);
			abort();
		}
		goto out;
	}
	if (devnull && vm_disasm(st, root, devnull) < 0)
		abort();
	run(st, root, &r1);

	/* the same program through the wire form, as a container gets it */
	copy = vm_store_new(1u << 30);
	if (!copy || fuzz_graph_bytes(st, root, &b) < 0)
		abort();
	for (size_t off = 0; off < b.len; off += VM_CHUNK_WIRE_SIZE) {
		struct vm_chunk c;

		if (vm_chunk_decode(b.p + off, VM_CHUNK_WIRE_SIZE, &c, NULL, 0) < 0 ||
		    vm_store_put(copy, &c) < 0)
			abort();
	}
	run(copy, root, &r2);
	if (r1.status != r2.status || r1.output_len != r2.output_len ||
	    memcmp(r1.output, r2.output, r1.output_len) || strcmp(r1.value, r2.value) ||
	    strcmp(r1.error, r2.error)) {
		fprintf(stderr, "two runs differ: status %d/%d, error '%s' / '%s'\n", r1.status,
			r2.status, r1.error, r2.error);
		abort();
	}
	vm_result_free(&r1);
	vm_result_free(&r2);
out:
	free(b.p);
	vm_store_free(copy);
	vm_store_free(st);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Description: seeds for tests/fuzz/fuzz_load.c: compiles each JSLite FILE and
 * writes its chunk graph (wire form, root first) to OUTDIR/<n>.chunks, so the
 * loader fuzzer starts from real programs. Files that do not compile are
 * skipped. Usage: mkseed OUTDIR FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_chunks.h"
#include "vm/jsl.h"
#include "vm/vm.h"

int main(int argc, char **argv)
{
	int made = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: mkseed OUTDIR FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		struct vm_store *st = vm_store_new(0);
		struct fuzz_buf b;
		char err[512], path[4096];
		uint64_t root;
		FILE *f;

		if (!st)
			return 1;
		if (jsl_compile_file(st, argv[i], &root, err, sizeof(err)) < 0 ||
		    fuzz_graph_bytes(st, root, &b) < 0) {
			vm_store_free(st);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%d.chunks", argv[1], i - 1);
		f = fopen(path, "wb");
		if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f)) {
			perror(path);
			return 1;
		}
		free(b.p);
		vm_store_free(st);
		made++;
	}
	printf("mkseed: %d seeds in %s\n", made, argv[1]);
	return 0;
}

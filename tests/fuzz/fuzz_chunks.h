/* SPDX-License-Identifier: MIT */
/*
 * Description: shared by the VM's libFuzzer targets and their seed maker:
 * a Tasklet's chunk graph as bytes (the wire form of each reachable chunk,
 * root first, breadth first: what a container receives) and the small limits
 * the targets run programs under.
 */
#ifndef TL_TESTS_FUZZ_CHUNKS_H
#define TL_TESTS_FUZZ_CHUNKS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

/* Small enough that one input runs in milliseconds under ASan. */
#define FUZZ_FUEL   20000
#define FUZZ_HEAP   (4u << 20)
#define FUZZ_OUTPUT (64u << 10)

struct fuzz_buf {
	uint8_t *p;
	size_t len, cap;
};

static int fuzz_put_chunk(const struct vm_chunk *c, void *arg)
{
	struct fuzz_buf *b = arg;

	if (b->len + VM_CHUNK_WIRE_SIZE > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64 * VM_CHUNK_WIRE_SIZE;
		uint8_t *p = realloc(b->p, cap);

		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	vm_chunk_encode(c, b->p + b->len);
	b->len += VM_CHUNK_WIRE_SIZE;
	return 0;
}

/* The graph of root as bytes into b (b->p malloc'd; the caller frees it). 0 or -1. */
static inline int fuzz_graph_bytes(const struct vm_store *st, uint64_t root, struct fuzz_buf *b)
{
	memset(b, 0, sizeof(*b));
	return vm_store_walk(st, root, VM_MAX_TASKLET_CHUNKS, fuzz_put_chunk, b, NULL) < 0 ? -1 : 0;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Chunks: the unit of code, data and state of a Tasklet.
 *
 * A chunk is a fixed-size array of VM_CHUNK_SLOTS fixed-size typed slots.
 * A slot is empty, a 64-bit integer, a double, up to 8 raw bytes, or a link
 * (the id of another chunk). Chunks link into a graph; a Tasklet is the
 * graph reachable from its root chunk. The wire layout (man tasklet-chunks(7)):
 *
 *   chunk (272 bytes, little-endian):
 *     0   u64  id            never 0
 *     8   u8   kind          enum vm_chunk_kind
 *     9   u8[7] reserved     must be 0
 *     16  slot[16]           16 bytes each:
 *           0  u8  type      enum vm_slot_type
 *           1  u8  len       BYTES: 0..8, every other type: 0
 *           2  u8[6] reserved must be 0
 *           8  u64 payload   INT: int64, FLOAT: IEEE-754 double bits,
 *                            BYTES: the bytes, zero padded, LINK: chunk id (!= 0),
 *                            EMPTY: 0
 *
 * vm/ knows nothing of sockets: CXP moves these bytes, the store keeps them.
 */
#ifndef TL_VM_CHUNK_H
#define TL_VM_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#define VM_CHUNK_SLOTS     16
#define VM_SLOT_PAYLOAD    8 /* bytes of payload per slot */
#define VM_CHUNK_HDR_SIZE  16
#define VM_SLOT_WIRE_SIZE  16
#define VM_CHUNK_WIRE_SIZE (VM_CHUNK_HDR_SIZE + VM_CHUNK_SLOTS * VM_SLOT_WIRE_SIZE)

enum vm_slot_type {
	VM_SLOT_EMPTY = 0,
	VM_SLOT_INT = 1,
	VM_SLOT_FLOAT = 2,
	VM_SLOT_BYTES = 3,
	VM_SLOT_LINK = 4,
	VM_SLOT_TYPE_MAX = VM_SLOT_LINK,
};

/* What a chunk holds; the VM checks kinds when it loads a graph. */
enum vm_chunk_kind {
	VM_CHUNK_ROOT = 1, /* the Tasklet's entry: links to QoS, code, constants */
	VM_CHUNK_QOS = 2,  /* one @QOS requirement: s[0] category, params, s[15] next */
	VM_CHUNK_CODE = 3, /* bytecode of one function (chained) */
	VM_CHUNK_DATA = 4, /* constants, strings (chained) */
	VM_CHUNK_FUNC = 5, /* function descriptor: arity, registers, code link */
	VM_CHUNK_KIND_MAX = VM_CHUNK_FUNC,
};

struct vm_slot {
	uint8_t type; /* enum vm_slot_type */
	uint8_t len;  /* VM_SLOT_BYTES only */
	union {
		int64_t i;
		double f;
		uint8_t b[VM_SLOT_PAYLOAD];
		uint64_t link;
	} v;
};

struct vm_chunk {
	uint64_t id;
	uint8_t kind; /* enum vm_chunk_kind */
	struct vm_slot s[VM_CHUNK_SLOTS];
};

/* Slot setters; idx must be < VM_CHUNK_SLOTS (asserted). */
void vm_slot_set_empty(struct vm_chunk *c, unsigned idx);
void vm_slot_set_int(struct vm_chunk *c, unsigned idx, int64_t v);
void vm_slot_set_float(struct vm_chunk *c, unsigned idx, double v);
void vm_slot_set_bytes(struct vm_chunk *c, unsigned idx, const void *p, size_t n); /* n <= 8 */
void vm_slot_set_link(struct vm_chunk *c, unsigned idx, uint64_t id);              /* id != 0 */

const char *vm_slot_type_name(unsigned type);
const char *vm_chunk_kind_name(unsigned kind);

/*
 * Serialization. vm_chunk_encode writes exactly VM_CHUNK_WIRE_SIZE bytes.
 * vm_chunk_decode validates everything it reads (size, id, kind, slot type
 * tags, lengths, reserved bytes, links != 0) and returns 0, or -EINVAL with
 * a message naming the offending byte offset / slot in err (may be NULL).
 */
void vm_chunk_encode(const struct vm_chunk *c, uint8_t out[VM_CHUNK_WIRE_SIZE]);
int vm_chunk_decode(const uint8_t *in, size_t len, struct vm_chunk *out, char *err, size_t errlen);

/*
 * The chunk store: chunks by id, allocated from jemalloc (libc malloc in
 * sanitizer builds). Not thread-safe: one owner at a time.
 */
struct vm_store;

/* A new store whose vm_store_alloc ids start at id_base + 1. NULL + errno on failure. */
struct vm_store *vm_store_new(uint64_t id_base);
void vm_store_free(struct vm_store *st);

/* A fresh chunk of the given kind, all slots empty, with the next free id,
 * already in the store and owned by it. NULL + errno (ENOMEM) on failure. */
struct vm_chunk *vm_store_alloc(struct vm_store *st, uint8_t kind);

/* Copy c into the store. 0, -EEXIST if a chunk with that id is there with
 * different content (identical content is accepted), -ENOMEM. */
int vm_store_put(struct vm_store *st, const struct vm_chunk *c);

/*
 * Room for n more chunks without growing: the table sized for them and one
 * slab of n chunks (a container sizes a fetched graph's store from its
 * MANIFEST). 0 or -ENOMEM. Only an allocation: a store never needs it.
 */
int vm_store_reserve(struct vm_store *st, size_t n);

/*
 * Validate a chunk's wire form (VM_CHUNK_WIRE_SIZE bytes at wire, every
 * check of vm_chunk_decode) and put it into the store with a single copy.
 * 1 when it is new (*stored, if not NULL, gets the stored chunk), 0 when
 * the store holds an identical chunk under that id, -EINVAL (malformed:
 * the first bad byte named in err), -EEXIST (a different chunk has that id;
 * said in err), -ENOMEM.
 */
int vm_store_put_wire(struct vm_store *st, const uint8_t *wire, const struct vm_chunk **stored,
		      char *err, size_t errlen);

/*
 * vm_store_put_wire for n consecutive wire chunks, in order, for a receiver
 * that also wants what it stored: each new chunk is appended to
 * b->stored (room for n needed) and its links to b->links. Stops before a
 * chunk when fewer than VM_CHUNK_SLOTS entries of b->links are free: then
 * it returns 0 with b->done < n, and the caller makes room and calls again
 * from chunk b->done. 0 with b->done == n when all were taken; < 0 as
 * vm_store_put_wire (b->done is then the refused chunk's index, and the
 * chunks before it are stored).
 */
struct vm_wire_batch {
	const struct vm_chunk **stored;
	size_t nstored;
	uint64_t *links;
	size_t nlinks, caplinks;
	size_t done;
};
int vm_store_put_wires(struct vm_store *st, const uint8_t *wire, size_t n, struct vm_wire_batch *b,
		       char *err, size_t errlen);

/* A hint: id will be looked up or put soon (its table entry is fetched into
 * the CPU cache). No effect on the contents. */
void vm_store_prefetch(const struct vm_store *st, uint64_t id);

/* The chunk with that id, or NULL. The pointer stays valid until the store is freed. */
const struct vm_chunk *vm_store_get(const struct vm_store *st, uint64_t id);
struct vm_chunk *vm_store_get_mut(struct vm_store *st, uint64_t id);

size_t vm_store_count(const struct vm_store *st);

/*
 * Walk the graph reachable from root, breadth first, each chunk once, in a
 * deterministic order (slot order). fn returning non-zero stops the walk and
 * that value is returned. Returns the number of chunks visited, -ENOENT if
 * a link (or root) names a chunk not in the store (with the dangling id in
 * *missing when missing != NULL), -E2BIG if more than max chunks are reachable.
 */
int vm_store_walk(const struct vm_store *st, uint64_t root, size_t max,
		  int (*fn)(const struct vm_chunk *c, void *arg), void *arg, uint64_t *missing);

/*
 * The ids linked from the reachable graph of root that are not in the store
 * (up to cap of them into out); returns how many, or -E2BIG past max chunks.
 * A container fetching a Tasklet calls this until it returns 0.
 */
int vm_store_missing(const struct vm_store *st, uint64_t root, size_t max, uint64_t *out,
		     size_t cap);

/*
 * Chunk ids come from two spaces (man tasklet-chunks(7), CHUNK IDS):
 *
 *   bit 63 set    a content id: bits 0..62 are the first 8 bytes (little-endian)
 *                 of SHA-256 over the chunk's wire form from offset 8 on (kind,
 *                 reserved bytes, slots, links included). Immutable: the same
 *                 content has the same id in every store, so a container may keep
 *                 it across Tasklets. The compiler gives every chunk one.
 *   bit 63 clear  an owner-scoped id (vm_store_alloc): meaningful only in its
 *                 owner's graph (mutable state), never shared or cached.
 */
#define VM_ID_CONTENT (1ull << 63)
static inline int vm_id_is_content(uint64_t id)
{
	return (id & VM_ID_CONTENT) != 0;
}
/* The content id c's content gives (c->id is not part of it). */
uint64_t vm_chunk_content_id(const struct vm_chunk *c);
/* The same for a chunk's wire form (VM_CHUNK_WIRE_SIZE bytes, not validated). */
uint64_t vm_chunk_wire_content_id(const uint8_t *wire);
/* The same for two chunks at once (ids[0] for a, ids[1] for b): with the x86
 * SHA extensions their hashes overlap, about twice the rate of one by one. */
void vm_chunk_wire_content_id2(const uint8_t *a, const uint8_t *b, uint64_t ids[2]);

/*
 * Copy the graph reachable from root in src into dst under content ids,
 * children before parents, every link renamed; *new_root gets the root's
 * content id. The graph must be acyclic (a chain or a DAG, as the compiler
 * writes). 0, -ENOENT (a dangling link), -ELOOP (a cycle), -EEXIST (a
 * different chunk already holds a content id: a 63-bit hash collision),
 * -ENOMEM; with a message in err.
 */
int vm_store_seal(struct vm_store *dst, const struct vm_store *src, uint64_t root,
		  uint64_t *new_root, char *err, size_t errlen);

/* Largest number of chunks a Tasklet graph may have (a resource bound). */
#define VM_MAX_TASKLET_CHUNKS 65536

#endif

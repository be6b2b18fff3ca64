/* SPDX-License-Identifier: MIT */
/*
 * Chunks: slot setters, the wire codec and the chunk store (vm/chunk.h,
 * man tasklet-chunks(7)).
 *
 * The store is an open-addressing hash table (linear probing, power-of-two
 * size, at most 5/8 full) of (id, chunk pointer) pairs; id 0 marks a free
 * entry, which is why no chunk may have id 0. Chunks live in slabs that are
 * never moved or freed before the store is, so pointers handed out stay
 * valid. Slabs come from jemalloc (mallocx/dallocx) in normal builds and
 * from libc in sanitizer builds (TL_NO_JEMALLOC), where ASan owns malloc.
 * A lookup allocates nothing and touches one table entry per probe.
 */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TL_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "common/le.h"
#include "vm/chunk.h"
#include "vm/chunk_int.h"

/* ---- memory ------------------------------------------------------------- */

/* NULL + errno = ENOMEM on failure; n is never 0 here. */
static void *mem_alloc(size_t n, bool zero)
{
	void *p;

#ifdef TL_NO_JEMALLOC
	p = zero ? calloc(1, n) : malloc(n);
#else
	p = mallocx(n, zero ? MALLOCX_ZERO : 0);
#endif
	if (!p)
		errno = ENOMEM;
	return p;
}

static void mem_free(void *p)
{
	if (!p)
		return;
#ifdef TL_NO_JEMALLOC
	free(p);
#else
	dallocx(p, 0);
#endif
}

/* ---- slots -------------------------------------------------------------- */

void vm_slot_set_empty(struct vm_chunk *c, unsigned idx)
{
	assert(idx < VM_CHUNK_SLOTS);
	memset(&c->s[idx], 0, sizeof(c->s[idx]));
}

void vm_slot_set_int(struct vm_chunk *c, unsigned idx, int64_t v)
{
	vm_slot_set_empty(c, idx);
	c->s[idx].type = VM_SLOT_INT;
	c->s[idx].v.i = v;
}

void vm_slot_set_float(struct vm_chunk *c, unsigned idx, double v)
{
	vm_slot_set_empty(c, idx);
	c->s[idx].type = VM_SLOT_FLOAT;
	c->s[idx].v.f = v;
}

void vm_slot_set_bytes(struct vm_chunk *c, unsigned idx, const void *p, size_t n)
{
	assert(n <= VM_SLOT_PAYLOAD);
	vm_slot_set_empty(c, idx);
	c->s[idx].type = VM_SLOT_BYTES;
	c->s[idx].len = (uint8_t)n;
	if (n)
		memcpy(c->s[idx].v.b, p, n);
}

void vm_slot_set_link(struct vm_chunk *c, unsigned idx, uint64_t id)
{
	assert(id != 0);
	vm_slot_set_empty(c, idx);
	c->s[idx].type = VM_SLOT_LINK;
	c->s[idx].v.link = id;
}

/* Names as used in messages and listings; "unknown" (never NULL) for other values. */
const char *vm_slot_type_name(unsigned type)
{
	static const char *const names[] = {"EMPTY", "INT", "FLOAT", "BYTES", "LINK"};

	return type <= VM_SLOT_TYPE_MAX ? names[type] : "unknown";
}

const char *vm_chunk_kind_name(unsigned kind)
{
	static const char *const names[] = {NULL, "ROOT", "QOS", "CODE", "DATA", "FUNC"};

	return kind >= 1 && kind <= VM_CHUNK_KIND_MAX ? names[kind] : "unknown";
}

/* ---- wire codec ---------------------------------------------------------- */

/*
 * In memory a chunk has its wire layout (asserted below): id at 0, kind at 8,
 * the slots from 16 on, each a type byte, a len byte and its payload at 8.
 * On a little-endian host a valid wire chunk's bytes therefore are its
 * decoded struct vm_chunk, padding included (the wire's reserved bytes are
 * 0, as vm_chunk_decode leaves the padding), so the decoder validates and
 * copies, and the store can take a chunk straight from a received frame.
 */
_Static_assert(sizeof(struct vm_slot) == VM_SLOT_WIRE_SIZE, "slot layout");
_Static_assert(offsetof(struct vm_slot, v) == 8, "slot payload at 8");
_Static_assert(sizeof(struct vm_chunk) == VM_CHUNK_WIRE_SIZE, "chunk layout");
_Static_assert(offsetof(struct vm_chunk, kind) == 8, "kind at 8");
_Static_assert(offsetof(struct vm_chunk, s) == VM_CHUNK_HDR_SIZE, "slots at 16");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                        \
    defined(__FLOAT_WORD_ORDER__) && __FLOAT_WORD_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WIRE_IS_MEMORY 1
#else
#define WIRE_IS_MEMORY 0
#endif

/*
 * Writes the canonical form: reserved bytes and padding zero, len only for
 * BYTES, BYTES payload zero padded past len, EMPTY payload zero. An in-memory
 * chunk with an invalid type or length is written as is, so that decoding it
 * fails rather than silently repairing it. Two 64-bit stores a slot, no
 * branch on the common types: a serving application encodes every chunk.
 */
void vm_chunk_encode(const struct vm_chunk *c, uint8_t out[VM_CHUNK_WIRE_SIZE])
{
	le64_store(out, c->id);
	le64_store(out + 8, c->kind);
	for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++) {
		const struct vm_slot *s = &c->s[i];
		uint8_t *p = out + VM_CHUNK_HDR_SIZE + i * VM_SLOT_WIRE_SIZE;
		uint64_t w0 = s->type, w1;

		if (s->type == VM_SLOT_BYTES) {
			w0 |= (uint64_t)s->len << 8;
			w1 = le64_load(s->v.b);
			if (s->len < VM_SLOT_PAYLOAD)
				w1 &= (1ull << (8 * s->len)) - 1;
		} else {
			/* INT, FLOAT, LINK and invalid tags: the raw 64 bits */
			w1 = s->type == VM_SLOT_EMPTY ? 0 : s->v.link;
		}
		le64_store(p, w0);
		le64_store(p + 8, w1);
	}
}

int vm_vfail(int rc, char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return rc;
}

int vm_fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = vm_vfail(rc, err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* Index of the first nonzero byte of p[0..n), or -1. */
static int first_nonzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return (int)i;
	return -1;
}

static int decode_slot(const uint8_t *in, unsigned i, uint64_t id, struct vm_slot *s, char *err,
		       size_t errlen)
{
	size_t off = VM_CHUNK_HDR_SIZE + (size_t)i * VM_SLOT_WIRE_SIZE;
	const uint8_t *p = in + off;
	uint64_t payload = le64_load(p + 8);
	int nz;

	if (p[0] > VM_SLOT_TYPE_MAX)
		return vm_fail(-EINVAL, err, errlen,
			       "chunk 0x%" PRIx64 ": slot %u (offset %zu): bad type tag %u", id, i,
			       off, p[0]);
	nz = first_nonzero(p + 2, 6);
	if (nz >= 0)
		return vm_fail(-EINVAL, err, errlen,
			       "chunk 0x%" PRIx64
			       ": slot %u (offset %zu): reserved byte at offset %zu is "
			       "0x%02x, want 0",
			       id, i, off, off + 2 + (size_t)nz, p[2 + nz]);
	if (p[0] == VM_SLOT_BYTES ? p[1] > VM_SLOT_PAYLOAD : p[1] != 0)
		return vm_fail(
		    -EINVAL, err, errlen,
		    "chunk 0x%" PRIx64 ": slot %u (offset %zu): len %u in a %s slot (want %s)", id,
		    i, off, p[1], vm_slot_type_name(p[0]), p[0] == VM_SLOT_BYTES ? "0..8" : "0");
	memset(s, 0, sizeof(*s));
	s->type = p[0];
	switch (p[0]) {
	case VM_SLOT_EMPTY:
		if (payload)
			return vm_fail(-EINVAL, err, errlen,
				       "chunk 0x%" PRIx64 ": slot %u (offset %zu): EMPTY slot with "
				       "nonzero payload at offset %zu",
				       id, i, off, off + 8);
		break;
	case VM_SLOT_BYTES:
		nz = first_nonzero(p + 8 + p[1], VM_SLOT_PAYLOAD - p[1]);
		if (nz >= 0)
			return vm_fail(
			    -EINVAL, err, errlen,
			    "chunk 0x%" PRIx64 ": slot %u (offset %zu): BYTES padding at "
			    "offset %zu is 0x%02x, want 0 (len %u)",
			    id, i, off, off + 8 + p[1] + (size_t)nz, p[8 + p[1] + nz], p[1]);
		s->len = p[1];
		memcpy(s->v.b, p + 8, p[1]);
		break;
	case VM_SLOT_LINK:
		if (!payload)
			return vm_fail(-EINVAL, err, errlen,
				       "chunk 0x%" PRIx64
				       ": slot %u (offset %zu): LINK to chunk id 0",
				       id, i, off);
		s->v.link = payload;
		break;
	default: /* INT, FLOAT: any 64 bits */
		s->v.link = payload;
		break;
	}
	return 0;
}

/* Nonzero when a chunk's header words (its id, then kind and reserved bytes) are bad. */
static inline uint64_t wire_hdr_bad(uint64_t id, uint64_t h)
{
	return (id == 0) | ((h & 0xff) - 1 >= VM_CHUNK_KIND_MAX) | ((h >> 8) != 0);
}

/* Nonzero when a slot's two words (type, len, reserved; payload) are bad. */
static inline uint64_t wire_slot_bad(uint64_t w0, uint64_t w1)
{
	unsigned t = (unsigned)(w0 & 0xff), l = (unsigned)(w0 >> 8) & 0xff;
	uint64_t bad = w0 >> 16; /* reserved bytes 2..7 */

	if (t == VM_SLOT_BYTES)
		return bad | (l > VM_SLOT_PAYLOAD) | (l < VM_SLOT_PAYLOAD && (w1 >> (8 * l)) != 0);
	return bad | l | (t > VM_SLOT_TYPE_MAX) | (t == VM_SLOT_EMPTY && w1 != 0) |
	       (t == VM_SLOT_LINK && w1 == 0);
}

/*
 * True when vm_chunk_decode_bytewise accepts in (VM_CHUNK_WIRE_SIZE bytes):
 * the same rules, two 64-bit words a slot and no branch on a slot's type
 * beyond BYTES. It only says yes or no; the message naming the first bad
 * byte comes from the bytewise decoder, which runs only on a refusal. The
 * unit suite checks the two agree on every (type, len) pair and payload edge.
 */
static inline bool wire_ok(const uint8_t *in)
{
	uint64_t bad = wire_hdr_bad(le64_load(in), le64_load(in + 8));

	for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++) {
		const uint8_t *p = in + VM_CHUNK_HDR_SIZE + i * VM_SLOT_WIRE_SIZE;

		bad |= wire_slot_bad(le64_load(p), le64_load(p + 8));
	}
	return bad == 0;
}

/*
 * wire_ok's checks while copying in to out (VM_CHUNK_WIRE_SIZE bytes, which on
 * a WIRE_IS_MEMORY host are then the decoded chunk) word by word, each word
 * read once, and the LINK payloads appended to links[*nl...] (room for
 * VM_CHUNK_SLOTS). True when valid; out and links are garbage otherwise.
 */
static inline __attribute__((always_inline)) bool wire_copy_ok(const uint8_t *in, uint8_t *out,
							       uint64_t *links, size_t *nl)
{
	uint64_t id = le64_load(in), h = le64_load(in + 8), bad;
	size_t k = 0;

	memcpy(out, &id, 8);
	memcpy(out + 8, &h, 8);
	bad = wire_hdr_bad(id, h);
	for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++) {
		size_t off = VM_CHUNK_HDR_SIZE + i * VM_SLOT_WIRE_SIZE;
		uint64_t w0 = le64_load(in + off), w1 = le64_load(in + off + 8);

		memcpy(out + off, &w0, 8);
		memcpy(out + off + 8, &w1, 8);
		bad |= wire_slot_bad(w0, w1);
		links[k] = w1;
		k += (w0 & 0xff) == VM_SLOT_LINK;
	}
	*nl = k;
	return bad == 0;
}

/*
 * Checks in wire order, so the first error reported is the first bad byte:
 * size, id, kind, header reserved bytes, then each slot's type tag, reserved
 * bytes, len and payload. *out is only written on success.
 */
int vm_chunk_decode_bytewise(const uint8_t *in, size_t len, struct vm_chunk *out, char *err,
			     size_t errlen)
{
	struct vm_chunk c;
	int nz, rc;

	if (!in || len != VM_CHUNK_WIRE_SIZE)
		return vm_fail(-EINVAL, err, errlen, "chunk: %zu bytes, want %d", in ? len : 0,
			       VM_CHUNK_WIRE_SIZE);
	memset(&c, 0, sizeof(c));
	c.id = le64_load(in);
	if (!c.id)
		return vm_fail(-EINVAL, err, errlen, "chunk at offset 0: id is 0 (ids start at 1)");
	c.kind = in[8];
	if (c.kind < 1 || c.kind > VM_CHUNK_KIND_MAX)
		return vm_fail(-EINVAL, err, errlen,
			       "chunk 0x%" PRIx64 ": offset 8: bad kind %u (want 1..%d)", c.id,
			       c.kind, VM_CHUNK_KIND_MAX);
	nz = first_nonzero(in + 9, 7);
	if (nz >= 0)
		return vm_fail(-EINVAL, err, errlen,
			       "chunk 0x%" PRIx64
			       ": header reserved byte at offset %d is 0x%02x, want 0",
			       c.id, 9 + nz, in[9 + nz]);
	for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++) {
		rc = decode_slot(in, i, c.id, &c.s[i], err, errlen);
		if (rc)
			return rc;
	}
	if (out)
		*out = c;
	return 0;
}

/* A valid chunk is validated word by word and copied; only a refused one goes
 * through the bytewise decoder, for its message. */
int vm_chunk_decode(const uint8_t *in, size_t len, struct vm_chunk *out, char *err, size_t errlen)
{
	if (!WIRE_IS_MEMORY || !in || len != VM_CHUNK_WIRE_SIZE || !wire_ok(in))
		return vm_chunk_decode_bytewise(in, len, out, err, errlen);
	if (out)
		memcpy(out, in, VM_CHUNK_WIRE_SIZE);
	return 0;
}

/* ---- the store ----------------------------------------------------------- */

struct store_ent {
	uint64_t id; /* 0: free */
	struct vm_chunk *c;
};

/* Chunks are carved from slabs; a slab is freed only with the store. */
struct slab {
	struct slab *next;
	size_t cap, used;
	struct vm_chunk c[];
};

#define SLAB_MIN   32
#define SLAB_MAX   4096 /* chunks: about 1.1 MB */
#define TABLE_MIN  64
#define ID_SET_MIN 64

struct vm_store {
	struct store_ent *tab;
	size_t mask; /* table size - 1 */
	size_t count;
	uint64_t last_id;   /* vm_store_alloc hands out last_id + 1 next */
	struct slab *slabs; /* in use, newest (the one filled) first */
	struct slab *spare; /* vm_store_reserve's, not yet in use */
};

/* The murmur3 64-bit finalizer: sequential ids spread over the whole table. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

struct vm_store *vm_store_new(uint64_t id_base)
{
	struct vm_store *st = mem_alloc(sizeof(*st), true);

	if (!st)
		return NULL;
	st->tab = mem_alloc(TABLE_MIN * sizeof(*st->tab), true);
	if (!st->tab) {
		mem_free(st);
		return NULL;
	}
	st->mask = TABLE_MIN - 1;
	st->last_id = id_base;
	return st;
}

void vm_store_free(struct vm_store *st)
{
	struct slab *s, *next;

	if (!st)
		return;
	for (s = st->slabs; s; s = next) {
		next = s->next;
		mem_free(s);
	}
	for (s = st->spare; s; s = next) {
		next = s->next;
		mem_free(s);
	}
	mem_free(st->tab);
	mem_free(st);
}

/* The entry holding id, or the free entry where it would go. id != 0. */
static inline struct store_ent *find(const struct vm_store *st, uint64_t id)
{
	size_t i = (size_t)mix64(id) & st->mask;

	for (;;) {
		struct store_ent *e = &st->tab[i];

		if (e->id == id || !e->id)
			return e;
		i = (i + 1) & st->mask;
	}
}

/* The table rehashed into ncap (a power of two) entries: 0 or -ENOMEM. */
static int grow_table_to(struct vm_store *st, size_t ncap)
{
	struct store_ent *old = st->tab, *nt;
	size_t ocap = st->mask + 1;

	/* zeroed here, not by jemalloc: for a large reused extent it zeroes by
	 * handing the pages back (madvise), and every one then faults in again */
	nt = mem_alloc(ncap * sizeof(*nt), false);
	if (!nt)
		return -ENOMEM;
	memset(nt, 0, ncap * sizeof(*nt));
	st->tab = nt;
	st->mask = ncap - 1;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].id)
			*find(st, old[i].id) = old[i];
	mem_free(old);
	return 0;
}

static int grow_table(struct vm_store *st)
{
	return grow_table_to(st, (st->mask + 1) * 2);
}

/* The chunk slab_take will hand out next (uninitialised), without taking it;
 * NULL on ENOMEM. */
static struct vm_chunk *slab_peek(struct vm_store *st)
{
	struct slab *s = st->slabs;

	if (!s || s->used == s->cap) {
		size_t cap = s ? s->cap * 2 : SLAB_MIN;

		if (cap > SLAB_MAX)
			cap = SLAB_MAX;
		if (st->spare) {
			s = st->spare;
			st->spare = s->next;
		} else {
			s = mem_alloc(sizeof(*s) + cap * sizeof(s->c[0]), false);
			if (!s)
				return NULL;
			s->cap = cap;
			s->used = 0;
		}
		s->next = st->slabs;
		st->slabs = s;
	}
	return &s->c[s->used];
}

/* A fresh, uninitialised chunk from the newest slab; NULL on ENOMEM. */
static struct vm_chunk *slab_take(struct vm_store *st)
{
	struct vm_chunk *c = slab_peek(st);

	if (c)
		st->slabs->used++;
	return c;
}

/*
 * Inserts a new chunk with this id (not yet present, != 0), all slots empty.
 * NULL on ENOMEM, with the store unchanged.
 */
static struct vm_chunk *insert(struct vm_store *st, uint64_t id)
{
	struct store_ent *e;
	struct vm_chunk *c;

	if ((st->count + 1) * 8 > (st->mask + 1) * 5 && grow_table(st))
		return NULL;
	c = slab_take(st);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->id = id;
	e = find(st, id);
	e->id = id;
	e->c = c;
	st->count++;
	return c;
}

struct vm_chunk *vm_store_alloc(struct vm_store *st, uint8_t kind)
{
	struct vm_chunk *c;
	uint64_t id = st->last_id;

	/* Skip ids already taken by vm_store_put (and 0 after wrapping). */
	do {
		id++;
	} while (!id || find(st, id)->id);
	c = insert(st, id);
	if (!c)
		return NULL;
	st->last_id = id;
	c->kind = kind;
	return c;
}

struct vm_chunk *vm_chain_add(struct vm_store *st, uint8_t kind, unsigned next_slot,
			      struct vm_chunk **prev, uint64_t *first)
{
	struct vm_chunk *c = vm_store_alloc(st, kind);

	if (!c)
		return NULL;
	if (*prev)
		vm_slot_set_link(*prev, next_slot, c->id);
	else
		*first = c->id;
	*prev = c;
	return c;
}

/* Equal as their wire forms would be (ignores padding and unused payload bytes). */
static bool chunk_equal(const struct vm_chunk *a, const struct vm_chunk *b)
{
	if (a->id != b->id || a->kind != b->kind)
		return false;
	for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++) {
		const struct vm_slot *x = &a->s[i], *y = &b->s[i];

		if (x->type != y->type)
			return false;
		switch (x->type) {
		case VM_SLOT_EMPTY:
			break;
		case VM_SLOT_BYTES:
			if (x->len != y->len ||
			    memcmp(x->v.b, y->v.b,
				   x->len < VM_SLOT_PAYLOAD ? x->len : VM_SLOT_PAYLOAD))
				return false;
			break;
		default:
			if (x->v.link != y->v.link)
				return false;
			break;
		}
	}
	return true;
}

/*
 * The slabs reserved are of at most SLAB_MAX chunks (1.1 MB) each, not one
 * of n: jemalloc hands allocations past 8 MB to an arena that gives their
 * pages back to the kernel at once, so a graph's store of 17 MB would be
 * faulted in afresh (a page fault every 15 chunks) for every Tasklet.
 */
int vm_store_reserve(struct vm_store *st, size_t n)
{
	size_t cap = st->mask + 1, want = st->count + n, room;
	struct slab *s;

	if (n > SIZE_MAX / 8 / sizeof(struct vm_chunk) - st->count)
		return -ENOMEM;
	while (want * 8 > cap * 5)
		cap *= 2;
	if (cap != st->mask + 1 && grow_table_to(st, cap))
		return -ENOMEM;
	room = st->slabs ? st->slabs->cap - st->slabs->used : 0;
	for (s = st->spare; s; s = s->next)
		room += s->cap;
	while (room < n) {
		size_t k = n - room < SLAB_MAX ? n - room : SLAB_MAX;

		s = mem_alloc(sizeof(*s) + k * sizeof(s->c[0]), false);
		if (!s)
			return -ENOMEM;
		s->cap = k;
		s->used = 0;
		s->next = st->spare;
		st->spare = s;
		room += k;
	}
	return 0;
}

void vm_store_prefetch(const struct vm_store *st, uint64_t id)
{
	__builtin_prefetch(&st->tab[(size_t)mix64(id) & st->mask]);
}

/*
 * The chunk is copied once, from the wire straight into its slab entry
 * (WIRE_IS_MEMORY), after a word-wise check; a duplicate id is decoded aside
 * and compared as vm_store_put does.
 */
int vm_store_put_wire(struct vm_store *st, const uint8_t *wire, const struct vm_chunk **stored,
		      char *err, size_t errlen)
{
	struct store_ent *e;
	struct vm_chunk *n, tmp;
	int rc;

	if (!WIRE_IS_MEMORY || !wire_ok(wire)) {
		rc = vm_chunk_decode_bytewise(wire, VM_CHUNK_WIRE_SIZE, &tmp, err, errlen);
		if (rc)
			return rc;
	}
	e = find(st, le64_load(wire));
	if (e->id) {
		if (WIRE_IS_MEMORY)
			memcpy(&tmp, wire, sizeof(tmp));
		if (!chunk_equal(e->c, &tmp))
			return vm_fail(-EEXIST, err, errlen,
				       "chunk 0x%" PRIx64 ": a different chunk has this id already",
				       e->id);
		return 0;
	}
	if ((st->count + 1) * 8 > (st->mask + 1) * 5) {
		if (grow_table(st))
			return -ENOMEM;
		e = find(st, le64_load(wire));
	}
	n = slab_take(st);
	if (!n)
		return -ENOMEM;
	if (WIRE_IS_MEMORY)
		memcpy(n, wire, sizeof(*n));
	else
		*n = tmp;
	e->id = n->id;
	e->c = n;
	st->count++;
	if (stored)
		*stored = n;
	return 1;
}

/* How far ahead vm_store_put_wires fetches table entries into the CPU cache. */
#define PUT_AHEAD 8

/*
 * vm_store_put_wire's work for a whole frame in one loop: no call per
 * chunk, the table entry of the chunk PUT_AHEAD on prefetched, and the links
 * of each new chunk gathered while its bytes are in the CPU's cache.
 */
int vm_store_put_wires(struct vm_store *st, const uint8_t *wire, size_t n, struct vm_wire_batch *b,
		       char *err, size_t errlen)
{
	int rc;

	b->done = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *w = wire + i * VM_CHUNK_WIRE_SIZE;
		const struct vm_chunk *c;

		if (b->caplinks - b->nlinks < VM_CHUNK_SLOTS)
			return 0; /* the caller makes room and goes on from b->done */
		if (i + PUT_AHEAD < n)
			__builtin_prefetch(
			    &st->tab[(size_t)mix64(le64_load(w + PUT_AHEAD * VM_CHUNK_WIRE_SIZE)) &
				     st->mask]);
		if (WIRE_IS_MEMORY && (st->count + 1) * 8 <= (st->mask + 1) * 5) {
			struct vm_chunk *nc = slab_peek(st);
			struct store_ent *e;
			size_t nl;

			if (!nc)
				return -ENOMEM;
			if (!wire_copy_ok(w, (uint8_t *)nc, b->links + b->nlinks, &nl))
				goto slow; /* the bytewise decoder names the bad byte */
			e = find(st, nc->id);
			if (e->id) {
				if (!chunk_equal(e->c, nc))
					return vm_fail(-EEXIST, err, errlen,
						       "chunk 0x%" PRIx64
						       ": a different chunk has this id already",
						       e->id);
				b->done++;
				continue;
			}
			st->slabs->used++;
			e->id = nc->id;
			e->c = nc;
			st->count++;
			b->stored[b->nstored++] = nc;
			b->nlinks += nl;
			b->done++;
			continue;
		} else {
		slow:
			rc = vm_store_put_wire(st, w, &c, err, errlen);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				b->done++;
				continue;
			}
		}
		b->stored[b->nstored++] = c;
		for (unsigned s = 0; s < VM_CHUNK_SLOTS; s++)
			if (c->s[s].type == VM_SLOT_LINK)
				b->links[b->nlinks++] = c->s[s].v.link;
		b->done++;
	}
	return 0;
}

/* Also -EINVAL for id 0, which no chunk may have. */
int vm_store_put(struct vm_store *st, const struct vm_chunk *c)
{
	struct store_ent *e;
	struct vm_chunk *n;

	if (!c->id)
		return -EINVAL;
	e = find(st, c->id);
	if (e->id)
		return chunk_equal(e->c, c) ? 0 : -EEXIST;
	n = insert(st, c->id);
	if (!n)
		return -ENOMEM;
	*n = *c;
	return 0;
}

const struct vm_chunk *vm_store_get(const struct vm_store *st, uint64_t id)
{
	const struct store_ent *e;

	if (!id)
		return NULL;
	e = find(st, id);
	return e->id ? e->c : NULL;
}

struct vm_chunk *vm_store_get_mut(struct vm_store *st, uint64_t id)
{
	struct store_ent *e;

	if (!id)
		return NULL;
	e = find(st, id);
	return e->id ? e->c : NULL;
}

size_t vm_store_count(const struct vm_store *st)
{
	return st->count;
}

/* ---- graph walks ---------------------------------------------------------- */

/* A set of nonzero ids (open addressing, at most half full), private to one walk. */
struct id_set {
	uint64_t *tab;
	size_t mask, n;
};

/* 1 when added, 0 when already there, -ENOMEM. */
static int id_set_add(struct id_set *s, uint64_t id)
{
	size_t i;

	if ((s->n + 1) * 2 > s->mask + 1) {
		size_t ocap = s->tab ? s->mask + 1 : 0, ncap = ocap ? ocap * 2 : ID_SET_MIN;
		uint64_t *nt = mem_alloc(ncap * sizeof(*nt), true);

		if (!nt)
			return -ENOMEM;
		for (size_t j = 0; j < ocap; j++) {
			if (!s->tab[j])
				continue;
			for (i = (size_t)mix64(s->tab[j]) & (ncap - 1); nt[i];
			     i = (i + 1) & (ncap - 1))
				;
			nt[i] = s->tab[j];
		}
		mem_free(s->tab);
		s->tab = nt;
		s->mask = ncap - 1;
	}
	for (i = (size_t)mix64(id) & s->mask; s->tab[i]; i = (i + 1) & s->mask)
		if (s->tab[i] == id)
			return 0;
	s->tab[i] = id;
	s->n++;
	return 1;
}

struct bfs {
	const struct vm_store *st;
	size_t max;
	struct id_set seen;	   /* every id met: chunks and dangling ids */
	const struct vm_chunk **q; /* present chunks in BFS order */
	size_t qn, qcap;
	bool collect;  /* vm_store_missing: gather dangling ids */
	uint64_t *out; /* dangling ids (collect): the first cap found */
	size_t nfound, cap;
	uint64_t dangling; /* the first dangling id (walk) */
};

/* Meets a link to id: 0 or -errno; enqueues present chunks once. */
static int bfs_meet(struct bfs *b, uint64_t id)
{
	const struct vm_chunk *c;
	int rc;

	if (!id) { /* only from a hand-edited chunk: the wire cannot hold it */
		b->dangling = 0;
		return b->collect ? -EINVAL : -ENOENT;
	}
	rc = id_set_add(&b->seen, id);
	if (rc <= 0)
		return rc;
	if (b->seen.n > b->max)
		return -E2BIG;
	c = vm_store_get(b->st, id);
	if (!c) {
		b->dangling = id;
		if (!b->collect)
			return -ENOENT;
		if (b->nfound < b->cap)
			b->out[b->nfound] = id;
		b->nfound++;
		return 0;
	}
	if (b->qn == b->qcap) {
		size_t ncap = b->qcap ? b->qcap * 2 : 64;
		const struct vm_chunk **nq = mem_alloc(ncap * sizeof(*nq), false);

		if (!nq)
			return -ENOMEM;
		if (b->qn)
			memcpy(nq, b->q, b->qn * sizeof(*nq));
		mem_free(b->q);
		b->q = nq;
		b->qcap = ncap;
	}
	b->q[b->qn++] = c;
	return 0;
}

/* Breadth first from root; fn (may be NULL) sees each present chunk once. */
static int bfs_run(struct bfs *b, uint64_t root, int (*fn)(const struct vm_chunk *c, void *arg),
		   void *arg)
{
	size_t head = 0;
	int rc;

	if (b->max > INT_MAX)
		b->max = INT_MAX;
	rc = bfs_meet(b, root);
	while (!rc && head < b->qn) {
		const struct vm_chunk *c = b->q[head++];

		if (fn) {
			rc = fn(c, arg);
			if (rc)
				break;
		}
		for (unsigned i = 0; i < VM_CHUNK_SLOTS && !rc; i++)
			if (c->s[i].type == VM_SLOT_LINK)
				rc = bfs_meet(b, c->s[i].v.link);
		if (b->collect && b->cap && b->nfound >= b->cap)
			break; /* out is full: the caller fetches these first */
	}
	mem_free(b->q);
	mem_free(b->seen.tab);
	return rc;
}

int vm_store_walk(const struct vm_store *st, uint64_t root, size_t max,
		  int (*fn)(const struct vm_chunk *c, void *arg), void *arg, uint64_t *missing)
{
	struct bfs b = {.st = st, .max = max};
	size_t visited;
	int rc;

	rc = bfs_run(&b, root, fn, arg);
	visited = b.qn;
	if (rc == -ENOENT && missing)
		*missing = b.dangling;
	return rc ? rc : (int)visited;
}

/*
 * Returns how many ids it wrote to out (at most cap; the walk stops once out
 * is full), 0 when the graph is complete, -E2BIG past max ids (present or
 * missing), -EINVAL for root 0 or a LINK 0 in a stored chunk, -ENOMEM.
 * With cap 0 (out may be NULL) it writes nothing and counts every missing id.
 * A missing root is reported as missing (out[0] == root). Ids come in BFS
 * order, so a fetcher asks for the nearest chunks first.
 */
int vm_store_missing(const struct vm_store *st, uint64_t root, size_t max, uint64_t *out,
		     size_t cap)
{
	struct bfs b = {.st = st, .max = max, .collect = true, .out = out, .cap = cap};
	int rc;

	if (!root)
		return -EINVAL;
	if (!out)
		b.cap = 0;
	rc = bfs_run(&b, root, NULL, NULL);
	if (rc)
		return rc;
	return (int)(b.cap && b.nfound > b.cap ? b.cap : b.nfound);
}

/* ---- content ids and sealing ------------------------------------------------ */

uint64_t vm_chunk_wire_content_id(const uint8_t *wire)
{
	uint8_t d[32];

	vm_sha256(wire + 8, VM_CHUNK_WIRE_SIZE - 8, d, 0);
	return le64_load(d) | VM_ID_CONTENT;
}

void vm_chunk_wire_content_id2(const uint8_t *a, const uint8_t *b, uint64_t ids[2])
{
	uint8_t da[32], db[32];

	vm_sha256_x2(a + 8, b + 8, VM_CHUNK_WIRE_SIZE - 8, da, db, 0);
	ids[0] = le64_load(da) | VM_ID_CONTENT;
	ids[1] = le64_load(db) | VM_ID_CONTENT;
}

uint64_t vm_chunk_content_id(const struct vm_chunk *c)
{
	uint8_t b[VM_CHUNK_WIRE_SIZE];

	vm_chunk_encode(c, b);
	return vm_chunk_wire_content_id(b);
}

/* old id -> new id (0 while the chunk is on the DFS stack), open addressing. */
struct id_map {
	uint64_t *key, *val;
	size_t mask, n;
};

static uint64_t *id_map_slot(struct id_map *m, uint64_t key, bool *found)
{
	size_t i = (size_t)mix64(key) & m->mask;

	while (m->key[i] && m->key[i] != key)
		i = (i + 1) & m->mask;
	*found = m->key[i] == key;
	return &m->val[i];
}

/* Adds key (-> 0) when absent; the value's slot, or NULL on ENOMEM. */
static uint64_t *id_map_put(struct id_map *m, uint64_t key)
{
	bool found;
	uint64_t *v;

	if (!m->key || (m->n + 1) * 2 > m->mask + 1) {
		size_t ocap = m->key ? m->mask + 1 : 0, ncap = ocap ? ocap * 2 : ID_SET_MIN;
		struct id_map nm = {.mask = ncap - 1};

		nm.key = mem_alloc(ncap * sizeof(uint64_t), true);
		nm.val = mem_alloc(ncap * sizeof(uint64_t), true);
		if (!nm.key || !nm.val) {
			mem_free(nm.key);
			mem_free(nm.val);
			return NULL;
		}
		for (size_t j = 0; j < ocap; j++)
			if (m->key[j]) {
				v = id_map_slot(&nm, m->key[j], &found);
				*v = m->val[j];
				nm.key[v - nm.val] = m->key[j];
			}
		nm.n = m->n;
		mem_free(m->key);
		mem_free(m->val);
		*m = nm;
	}
	v = id_map_slot(m, key, &found);
	if (!found) {
		m->key[v - m->val] = key;
		*v = 0;
		m->n++;
	}
	return v;
}

struct seal_frame {
	const struct vm_chunk *c;
	unsigned next; /* the next slot to look at */
};

/*
 * Depth first with an explicit stack (a code chain is as deep as it is long):
 * a chunk is written once all the chunks it links to have their content ids.
 */
int vm_store_seal(struct vm_store *dst, const struct vm_store *src, uint64_t root,
		  uint64_t *new_root, char *err, size_t errlen)
{
	struct id_map map = {0};
	struct seal_frame *stk = NULL;
	size_t sn = 0, scap = 0;
	uint64_t *v;
	bool found;
	int rc = 0;

	const struct vm_chunk *c = vm_store_get(src, root);

	if (!c)
		return vm_fail(-ENOENT, err, errlen, "seal: root chunk 0x%" PRIx64 " is not in the store",
			       root);
	for (;;) {
		if (c) { /* push c, marked as being on the stack */
			if (!(v = id_map_put(&map, c->id))) {
				rc = -ENOMEM;
				break;
			}
			if (sn == scap) {
				size_t ncap = scap ? scap * 2 : 64;
				struct seal_frame *ns = mem_alloc(ncap * sizeof(*ns), false);

				if (!ns) {
					rc = -ENOMEM;
					break;
				}
				if (sn)
					memcpy(ns, stk, sn * sizeof(*ns));
				mem_free(stk);
				stk = ns;
				scap = ncap;
			}
			stk[sn++] = (struct seal_frame){.c = c};
			c = NULL;
		}
		if (!sn)
			break;
		struct seal_frame *f = &stk[sn - 1];

		while (f->next < VM_CHUNK_SLOTS && f->c->s[f->next].type != VM_SLOT_LINK)
			f->next++;
		if (f->next < VM_CHUNK_SLOTS) {
			uint64_t to = f->c->s[f->next++].v.link;

			v = map.key ? id_map_slot(&map, to, &found) : NULL;
			if (v && found) {
				if (!*v) {
					rc = vm_fail(-ELOOP, err, errlen,
						     "seal: chunk 0x%" PRIx64 " links back to 0x%" PRIx64
						     " (a cycle: content ids need an acyclic graph)",
						     f->c->id, to);
					break;
				}
				continue;
			}
			c = vm_store_get(src, to);
			if (!c) {
				rc = vm_fail(-ENOENT, err, errlen,
					     "seal: chunk 0x%" PRIx64 " links to 0x%" PRIx64
					     ", which is not in the store",
					     f->c->id, to);
				break;
			}
			continue;
		}
		/* Every child has its content id: rename the links, then hash. */
		struct vm_chunk n = *f->c;

		for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++)
			if (n.s[i].type == VM_SLOT_LINK)
				n.s[i].v.link = *id_map_slot(&map, n.s[i].v.link, &found);
		n.id = vm_chunk_content_id(&n);
		rc = vm_store_put(dst, &n);
		if (rc) {
			if (rc == -EEXIST)
				vm_fail(rc, err, errlen,
					"seal: content id 0x%" PRIx64 " is held by another chunk "
					"(a hash collision)", n.id);
			else
				vm_fail(rc, err, errlen, "seal: out of memory");
			break;
		}
		*id_map_slot(&map, f->c->id, &found) = n.id;
		sn--;
		if (!sn)
			*new_root = n.id;
	}
	mem_free(stk);
	mem_free(map.key);
	mem_free(map.val);
	return rc;
}

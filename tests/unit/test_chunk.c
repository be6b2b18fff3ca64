/* SPDX-License-Identifier: MIT */
/* Description: chunks: wire encode/decode and its validation, the chunk store, graph walks. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "tests/tl_test.h"
#include "vm/chunk.h"
#include "vm/chunk_int.h"
#include "vm/vm.h"

#include <mbedtls/sha256.h>

#define WIRE VM_CHUNK_WIRE_SIZE

/* err must contain want; says what it got when it does not. */
static void expect_msg(const char *err, const char *want)
{
	int ok = strstr(err, want) != NULL;

	if (!ok)
		printf("\n    message \"%s\" lacks \"%s\"\n", err, want);
	CU_ASSERT(ok);
}

/* Offset of byte b of slot i on the wire. */
static size_t slot_off(unsigned i, unsigned b)
{
	return VM_CHUNK_HDR_SIZE + i * VM_SLOT_WIRE_SIZE + b;
}

/* A chunk using every slot type, with edge values. */
static void sample_chunk(struct vm_chunk *c)
{
	double nan_bits;
	uint64_t raw = 0x7ff8000000001234ull;

	memset(c, 0, sizeof(*c));
	c->id = 0x0102030405060708ull;
	c->kind = VM_CHUNK_DATA;
	memcpy(&nan_bits, &raw, 8);
	vm_slot_set_int(c, 0, INT64_MIN);
	vm_slot_set_int(c, 1, -1);
	vm_slot_set_int(c, 2, INT64_MAX);
	vm_slot_set_float(c, 3, -0.0);
	vm_slot_set_float(c, 4, nan_bits);
	vm_slot_set_float(c, 5, INFINITY);
	vm_slot_set_float(c, 6, 1.5);
	vm_slot_set_bytes(c, 7, "", 0);
	vm_slot_set_bytes(c, 8, "abc", 3);
	vm_slot_set_bytes(c, 9, "\0x\0y\0z\0w", 8);
	vm_slot_set_link(c, 10, 1);
	vm_slot_set_link(c, 11, UINT64_MAX);
	/* 12..15 stay empty */
}

static void test_round_trip(void)
{
	struct vm_chunk c, d;
	uint8_t w[WIRE], w2[WIRE];
	char err[128] = "";
	uint64_t bits;

	sample_chunk(&c);
	vm_chunk_encode(&c, w);
	/* Little-endian id, kind, and the slot layout of chunk.h. */
	CU_ASSERT_EQUAL(w[0], 0x08);
	CU_ASSERT_EQUAL(w[7], 0x01);
	CU_ASSERT_EQUAL(w[8], VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(w[slot_off(0, 0)], VM_SLOT_INT);
	CU_ASSERT_EQUAL(w[slot_off(0, 15)], 0x80); /* INT64_MIN's top byte */
	CU_ASSERT_EQUAL(w[slot_off(8, 0)], VM_SLOT_BYTES);
	CU_ASSERT_EQUAL(w[slot_off(8, 1)], 3);
	CU_ASSERT_EQUAL(w[slot_off(8, 8)], 'a');
	CU_ASSERT_EQUAL(w[slot_off(8, 11)], 0);
	CU_ASSERT_EQUAL(w[slot_off(10, 0)], VM_SLOT_LINK);
	CU_ASSERT_EQUAL(w[slot_off(10, 8)], 1);
	CU_ASSERT_EQUAL(w[slot_off(15, 0)], VM_SLOT_EMPTY);

	memset(&d, 0xee, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(vm_chunk_decode(w, sizeof(w), &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.id, c.id);
	CU_ASSERT_EQUAL(d.kind, VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(d.s[0].type, VM_SLOT_INT);
	CU_ASSERT_EQUAL(d.s[0].v.i, INT64_MIN);
	CU_ASSERT_EQUAL(d.s[1].v.i, -1);
	CU_ASSERT_EQUAL(d.s[2].v.i, INT64_MAX);
	CU_ASSERT_EQUAL(d.s[3].type, VM_SLOT_FLOAT);
	CU_ASSERT(d.s[3].v.f == 0.0 && signbit(d.s[3].v.f));
	memcpy(&bits, &d.s[4].v.f, 8);
	CU_ASSERT_EQUAL(bits, 0x7ff8000000001234ull); /* NaN payload kept bit for bit */
	CU_ASSERT(isinf(d.s[5].v.f) && d.s[5].v.f > 0);
	CU_ASSERT_EQUAL(d.s[6].v.f, 1.5);
	CU_ASSERT_EQUAL(d.s[7].type, VM_SLOT_BYTES);
	CU_ASSERT_EQUAL(d.s[7].len, 0);
	CU_ASSERT_EQUAL(d.s[8].len, 3);
	CU_ASSERT_EQUAL(memcmp(d.s[8].v.b, "abc", 3), 0);
	CU_ASSERT_EQUAL(d.s[9].len, 8);
	CU_ASSERT_EQUAL(memcmp(d.s[9].v.b, "\0x\0y\0z\0w", 8), 0);
	CU_ASSERT_EQUAL(d.s[10].type, VM_SLOT_LINK);
	CU_ASSERT_EQUAL(d.s[10].v.link, 1);
	CU_ASSERT_EQUAL(d.s[11].v.link, UINT64_MAX);
	for (unsigned i = 12; i < VM_CHUNK_SLOTS; i++)
		CU_ASSERT_EQUAL(d.s[i].type, VM_SLOT_EMPTY);
	/* Decoding then encoding gives the same bytes back. */
	vm_chunk_encode(&d, w2);
	CU_ASSERT_EQUAL(memcmp(w, w2, WIRE), 0);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(vm_slot_type_name(VM_SLOT_EMPTY), "EMPTY");
	CU_ASSERT_STRING_EQUAL(vm_slot_type_name(VM_SLOT_BYTES), "BYTES");
	CU_ASSERT_STRING_EQUAL(vm_slot_type_name(VM_SLOT_LINK), "LINK");
	CU_ASSERT_STRING_EQUAL(vm_slot_type_name(5), "unknown");
	CU_ASSERT_STRING_EQUAL(vm_chunk_kind_name(VM_CHUNK_ROOT), "ROOT");
	CU_ASSERT_STRING_EQUAL(vm_chunk_kind_name(VM_CHUNK_FUNC), "FUNC");
	CU_ASSERT_STRING_EQUAL(vm_chunk_kind_name(0), "unknown");
	CU_ASSERT_STRING_EQUAL(vm_chunk_kind_name(6), "unknown");
}

/* Decoding w (patched from a valid chunk) fails with -EINVAL, a message, and out untouched. */
static void expect_reject(const uint8_t *w, size_t len, const char *want)
{
	struct vm_chunk out, before;
	char err[160] = "";

	memset(&out, 0x5a, sizeof(out));
	before = out;
	CU_ASSERT_EQUAL(vm_chunk_decode(w, len, &out, err, sizeof(err)), -EINVAL);
	expect_msg(err, want);
	CU_ASSERT_EQUAL(memcmp(&out, &before, sizeof(out)), 0);
}

static void test_reject(void)
{
	struct vm_chunk c;
	uint8_t good[WIRE + 1], w[WIRE + 1];

	memset(&c, 0, sizeof(c));
	c.id = 0x2a;
	c.kind = VM_CHUNK_CODE;
	vm_slot_set_int(&c, 0, 7);
	vm_slot_set_bytes(&c, 1, "hi", 2);
	vm_slot_set_link(&c, 2, 99);
	vm_chunk_encode(&c, good);
	good[WIRE] = 0;
	CU_ASSERT_EQUAL(vm_chunk_decode(good, WIRE, NULL, NULL, 0), 0);

#define PATCH(off, val) (memcpy(w, good, sizeof(w)), w[(off)] = (val))
	PATCH(slot_off(3, 0), 9);
	expect_reject(w, WIRE, "chunk 0x2a: slot 3 (offset 64): bad type tag 9");
	PATCH(slot_off(15, 0), 5);
	expect_reject(w, WIRE, "slot 15 (offset 256): bad type tag 5");
	expect_reject(good, WIRE - 1, "271 bytes, want 272");
	expect_reject(good, WIRE + 1, "273 bytes, want 272");
	expect_reject(good, 0, "0 bytes, want 272");
	PATCH(12, 1);
	expect_reject(w, WIRE, "reserved byte at offset 12");
	PATCH(slot_off(5, 4), 0x80);
	expect_reject(w, WIRE, "slot 5 (offset 96): reserved byte at offset 100 is 0x80");
	PATCH(slot_off(0, 1), 1);
	expect_reject(w, WIRE, "slot 0 (offset 16): len 1 in a INT slot");
	PATCH(slot_off(1, 1), 9);
	expect_reject(w, WIRE, "slot 1 (offset 32): len 9 in a BYTES slot (want 0..8)");
	PATCH(slot_off(1, 10), 'x'); /* past len 2 */
	expect_reject(w, WIRE, "slot 1 (offset 32): BYTES padding at offset 42");
	PATCH(slot_off(7, 12), 1);
	expect_reject(w, WIRE, "slot 7 (offset 128): EMPTY slot with nonzero payload");
	PATCH(slot_off(2, 8), 0); /* link 99 -> 0 */
	expect_reject(w, WIRE, "chunk 0x2a: slot 2 (offset 48): LINK to chunk id 0");
	PATCH(0, 0);
	expect_reject(w, WIRE, "offset 0: id is 0");
	PATCH(8, 0);
	expect_reject(w, WIRE, "offset 8: bad kind 0");
	PATCH(8, VM_CHUNK_KIND_MAX + 1);
	expect_reject(w, WIRE, "offset 8: bad kind 6");
	/* A LINK with a nonzero high byte only is still a link. */
	PATCH(slot_off(2, 8), 0);
	w[slot_off(2, 15)] = 1;
	CU_ASSERT_EQUAL(vm_chunk_decode(w, WIRE, &c, NULL, 0), 0);
	CU_ASSERT_EQUAL(c.s[2].v.link, 1ull << 56);
#undef PATCH
}

/* xorshift64*: deterministic across runs and platforms. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/*
 * Random bytes, and valid chunks with a few random bytes changed, never crash
 * the decoder; whatever it accepts encodes back to the very same bytes
 * (the wire form is canonical).
 */
static void test_fuzz(void)
{
	struct vm_chunk c, d;
	uint8_t good[WIRE], w[WIRE + 8], back[WIRE];
	char err[160];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned accepted = 0, rejected = 0, bad_back = 0, no_msg = 0;

	sample_chunk(&c);
	vm_chunk_encode(&c, good);
	for (unsigned it = 0; it < 100000; it++) {
		size_t len = WIRE;
		int rc;

		if (it % 4 == 0) {
			for (size_t i = 0; i < sizeof(w); i++)
				w[i] = (uint8_t)rnd(&seed);
			if (it % 16 == 0)
				len = rnd(&seed) % sizeof(w);
		} else {
			unsigned flips = 1 + (unsigned)(rnd(&seed) % 3);

			memcpy(w, good, WIRE);
			while (flips--) {
				uint64_t r = rnd(&seed);

				/* Small values hit the interesting cases (tags, lengths). */
				w[r % WIRE] =
				    (r >> 32) & 1 ? (uint8_t)(r >> 40) : (uint8_t)((r >> 40) % 10);
			}
		}
		err[0] = '\0';
		rc = vm_chunk_decode(w, len, &d, err, sizeof(err));
		if (rc == 0) {
			accepted++;
			vm_chunk_encode(&d, back);
			bad_back += memcmp(back, w, WIRE) != 0;
		} else {
			rejected++;
			no_msg += rc != -EINVAL || err[0] == '\0';
		}
	}
	CU_ASSERT_EQUAL(bad_back, 0);
	CU_ASSERT_EQUAL(no_msg, 0);
	/* Both outcomes were exercised. */
	CU_ASSERT(accepted > 1000);
	CU_ASSERT(rejected > 10000);
}

static struct vm_chunk mk(uint64_t id, uint8_t kind)
{
	struct vm_chunk c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.kind = kind;
	return c;
}

static void test_store_basic(void)
{
	struct vm_store *st = vm_store_new(1000);
	struct vm_chunk c = mk(5, VM_CHUNK_DATA), *a, *b;
	const struct vm_chunk *g;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(vm_store_count(st), 0);
	CU_ASSERT_PTR_NULL(vm_store_get(st, 5));
	CU_ASSERT_PTR_NULL(vm_store_get(st, 0));

	vm_slot_set_int(&c, 0, 42);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	g = vm_store_get(st, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_PTR_NOT_EQUAL(g, &c); /* a copy */
	CU_ASSERT_EQUAL(g->s[0].v.i, 42);
	CU_ASSERT_EQUAL(vm_store_count(st), 1);
	/* Same content again: accepted (a chunk fetched twice). */
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	CU_ASSERT_EQUAL(vm_store_count(st), 1);
	/* Same id, other content: refused, original kept. */
	vm_slot_set_int(&c, 0, 43);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), -EEXIST);
	CU_ASSERT_EQUAL(vm_store_get(st, 5)->s[0].v.i, 42);
	c = mk(5, VM_CHUNK_CODE);
	vm_slot_set_int(&c, 0, 42);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), -EEXIST); /* kind differs */
	c = mk(0, VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), -EINVAL);

	/* alloc: ids from id_base + 1, empty slots, skipping ids already put. */
	a = vm_store_alloc(st, VM_CHUNK_ROOT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->id, 1001);
	CU_ASSERT_EQUAL(a->kind, VM_CHUNK_ROOT);
	for (unsigned i = 0; i < VM_CHUNK_SLOTS; i++)
		CU_ASSERT_EQUAL(a->s[i].type, VM_SLOT_EMPTY);
	c = mk(1002, VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	b = vm_store_alloc(st, VM_CHUNK_CODE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->id, 1003);
	CU_ASSERT_PTR_EQUAL(vm_store_get_mut(st, 1003), b);
	vm_slot_set_int(b, 4, 9);
	CU_ASSERT_EQUAL(vm_store_get(st, 1003)->s[4].v.i, 9);
	CU_ASSERT_EQUAL(vm_store_count(st), 4);
	vm_store_free(st);
	vm_store_free(NULL);
}

static void link_to(struct vm_store *st, uint64_t from, unsigned slot, uint64_t to)
{
	vm_slot_set_link(vm_store_get_mut(st, from), slot, to);
}

/* Ids of visited chunks, in order. */
struct trace {
	uint64_t id[64];
	size_t n;
	size_t stop_after; /* 0: never stop */
};

static int record(const struct vm_chunk *c, void *arg)
{
	struct trace *t = arg;

	if (t->n < 64)
		t->id[t->n] = c->id;
	t->n++;
	return t->stop_after && t->n == t->stop_after ? 77 : 0;
}

/* Store with chunks 1..n of kind DATA (ids from vm_store_alloc). */
static struct vm_store *store_n(unsigned n)
{
	struct vm_store *st = vm_store_new(0);

	for (unsigned i = 0; i < n; i++)
		vm_store_alloc(st, VM_CHUNK_DATA);
	return st;
}

static void test_walk(void)
{
	struct vm_store *st = store_n(6);
	struct trace t = {.n = 0};
	uint64_t missing = 0;

	/* 1 -> {3 (slot 0), 2 (slot 5)}; 3 -> {4, 2}; 2 -> {5, 1}; 6 unreachable. */
	link_to(st, 1, 0, 3);
	link_to(st, 1, 5, 2);
	link_to(st, 3, 1, 4);
	link_to(st, 3, 2, 2);
	link_to(st, 2, 9, 5);
	link_to(st, 2, 15, 1); /* cycle back to the root */
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 100, record, &t, &missing), 5);
	CU_ASSERT_EQUAL(t.n, 5);
	CU_ASSERT_EQUAL(t.id[0], 1);
	CU_ASSERT_EQUAL(t.id[1], 3);
	CU_ASSERT_EQUAL(t.id[2], 2);
	CU_ASSERT_EQUAL(t.id[3], 4);
	CU_ASSERT_EQUAL(t.id[4], 5);
	/* No callback: just the count. A self link visits once. */
	link_to(st, 6, 3, 6);
	CU_ASSERT_EQUAL(vm_store_walk(st, 6, 100, NULL, NULL, NULL), 1);
	/* The callback's non-zero return stops the walk and is returned. */
	t = (struct trace){.stop_after = 2};
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 100, record, &t, NULL), 77);
	CU_ASSERT_EQUAL(t.n, 2);
	/* Bounds: exactly max is fine, one more is -E2BIG. */
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 5, NULL, NULL, NULL), 5);
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 4, NULL, NULL, NULL), -E2BIG);
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 0, NULL, NULL, NULL), -E2BIG);
	vm_store_free(st);
}

static void test_walk_dangling(void)
{
	struct vm_store *st = store_n(3);
	uint64_t missing = 0;
	struct trace t = {.n = 0};

	link_to(st, 1, 0, 2);
	link_to(st, 2, 4, 0xdead);
	link_to(st, 1, 1, 3);
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 100, record, &t, &missing), -ENOENT);
	CU_ASSERT_EQUAL(missing, 0xdead);
	/* Root missing. */
	missing = 0;
	CU_ASSERT_EQUAL(vm_store_walk(st, 77, 100, NULL, NULL, &missing), -ENOENT);
	CU_ASSERT_EQUAL(missing, 77);
	CU_ASSERT_EQUAL(vm_store_walk(st, 77, 100, NULL, NULL, NULL), -ENOENT);
	vm_store_free(st);
}

static void test_missing(void)
{
	struct vm_store *st = store_n(2);
	uint64_t out[8];
	struct vm_chunk c;

	link_to(st, 1, 0, 2);
	link_to(st, 1, 1, 100);
	link_to(st, 1, 2, 100); /* listed once */
	link_to(st, 2, 0, 101);
	link_to(st, 2, 1, 1);
	link_to(st, 1, 3, 102);
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 100, out, 8), 3);
	CU_ASSERT_EQUAL(out[0], 100); /* BFS: the root's links first, in slot order */
	CU_ASSERT_EQUAL(out[1], 102);
	CU_ASSERT_EQUAL(out[2], 101);
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 100, out, 2), 2);
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 100, NULL, 0), 3);
	/* Present and missing ids count toward max. */
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 4, out, 8), -E2BIG);
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 5, out, 8), 3);
	/* Fetching them: 100 brings a new link to 103. */
	c = mk(100, VM_CHUNK_DATA);
	vm_slot_set_link(&c, 0, 103);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	c = mk(101, VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	c = mk(102, VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 100, out, 8), 1);
	CU_ASSERT_EQUAL(out[0], 103);
	c = mk(103, VM_CHUNK_DATA);
	CU_ASSERT_EQUAL(vm_store_put(st, &c), 0);
	CU_ASSERT_EQUAL(vm_store_missing(st, 1, 100, out, 8), 0);
	CU_ASSERT_EQUAL(vm_store_walk(st, 1, 100, NULL, NULL, NULL), 6);
	/* A root not yet fetched is itself missing. */
	CU_ASSERT_EQUAL(vm_store_missing(st, 500, 100, out, 8), 1);
	CU_ASSERT_EQUAL(out[0], 500);
	CU_ASSERT_EQUAL(vm_store_missing(st, 0, 100, out, 8), -EINVAL);
	vm_store_free(st);
}

/* 200000 chunks: table growth keeps every chunk findable and every pointer stable. */
static void test_many(void)
{
	enum { N = 200000 };
	struct vm_store *st = vm_store_new(1ull << 40);
	struct vm_chunk *first, *c, *prev = NULL;
	uint64_t id0;
	unsigned bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	first = vm_store_alloc(st, VM_CHUNK_DATA);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	id0 = first->id;
	vm_slot_set_int(first, 0, -5);
	for (unsigned i = 1; i < N; i++) {
		c = vm_store_alloc(st, VM_CHUNK_DATA);
		if (!c) {
			bad++;
			break;
		}
		vm_slot_set_int(c, 0, i);
		if (prev)
			vm_slot_set_link(prev, 15, c->id);
		prev = c;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(vm_store_count(st), N);
	CU_ASSERT_PTR_EQUAL(vm_store_get(st, id0), first);
	CU_ASSERT_EQUAL(first->s[0].v.i, -5);
	for (unsigned i = 1; i < N; i++) {
		const struct vm_chunk *g = vm_store_get(st, id0 + i);

		bad += !g || g->id != id0 + i || g->s[0].v.i != (int64_t)i;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_PTR_NULL(vm_store_get(st, id0 + N));
	CU_ASSERT_PTR_NULL(vm_store_get(st, 12345));
	/* A long chain: walked to the end without recursion. */
	CU_ASSERT_EQUAL(vm_store_walk(st, id0 + 1, N, NULL, NULL, NULL), N - 1);
	CU_ASSERT_EQUAL(vm_store_walk(st, id0 + 1, VM_MAX_TASKLET_CHUNKS, NULL, NULL, NULL),
			-E2BIG);
	vm_store_free(st);

	/* Scattered ids through vm_store_put. */
	st = vm_store_new(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	uint64_t s = 42;
	for (unsigned i = 0; i < N; i++) {
		struct vm_chunk k = mk((rnd(&s) | 1), VM_CHUNK_CODE);

		vm_slot_set_int(&k, 1, i);
		bad += vm_store_put(st, &k) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(vm_store_count(st), N);
	s = 42;
	for (unsigned i = 0; i < N; i++) {
		const struct vm_chunk *g = vm_store_get(st, rnd(&s) | 1);

		bad += !g || g->s[1].v.i != (int64_t)i;
	}
	CU_ASSERT_EQUAL(bad, 0);
	vm_store_free(st);
}

/* The SHA extensions path and mbedTLS agree, for every length around the block sizes. */
static void test_sha256(void)
{
	uint8_t buf[600], a[32], b[32], c[32];
	uint64_t s = 7;
	int bad = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd(&s);
	for (size_t n = 0; n <= sizeof(buf); n++) {
		vm_sha256(buf, n, a, 0);
		vm_sha256(buf, n, b, 1);
		mbedtls_sha256_ret(buf, n, c, 0);
		bad += memcmp(a, c, 32) != 0 || memcmp(b, c, 32) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* two at once: each digest as if alone, every length, both paths */
	for (size_t n = 0; n <= sizeof(buf) / 2; n++) {
		uint8_t d[32], e[32];

		for (int portable = 0; portable <= 1; portable++) {
			vm_sha256_x2(buf, buf + sizeof(buf) / 2, n, a, b, portable);
			mbedtls_sha256_ret(buf, n, d, 0);
			mbedtls_sha256_ret(buf + sizeof(buf) / 2, n, e, 0);
			bad += memcmp(a, d, 32) != 0 || memcmp(b, e, 32) != 0;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	{
		uint64_t ids[2];

		vm_chunk_wire_content_id2(buf, buf + 300, ids);
		CU_ASSERT_EQUAL(ids[0], vm_chunk_wire_content_id(buf));
		CU_ASSERT_EQUAL(ids[1], vm_chunk_wire_content_id(buf + 300));
	}
	/* FIPS 180-2's "abc" */
	vm_sha256("abc", 3, a, 0);
	CU_ASSERT_EQUAL(a[0], 0xba);
	CU_ASSERT_EQUAL(a[31], 0xad);
}

static const char prog[] = "@QOS Priority('True');\nfunction f(x) { return x * 2; }\n"
			   "let a = [1, 2, 3].map(f);\nconsole.log('a', a, 'b');\na.length;\n";

/* Count content ids (and check each one against its content) in a walk. */
static int check_content(const struct vm_chunk *c, void *arg)
{
	int *bad = arg;

	*bad += !vm_id_is_content(c->id) || vm_chunk_content_id(c) != c->id;
	return 0;
}

static void test_content_ids(void)
{
	struct vm_store *a = vm_store_new(0), *b = vm_store_new(1u << 20);
	uint64_t ra, rb;
	char err[256];
	int bad = 0, na, nb;

	/* The same program compiled into two stores (other id bases, b with
	 * something in it first) has the same ids: the root names the program. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm_store_alloc(b, VM_CHUNK_DATA));
	CU_ASSERT_EQUAL_FATAL(jsl_compile(a, "p.jsl", prog, strlen(prog), &ra, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(jsl_compile(b, "p.jsl", prog, strlen(prog), &rb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ra, rb);
	CU_ASSERT_TRUE(vm_id_is_content(ra));
	na = vm_store_walk(a, ra, 1000, check_content, &bad, NULL);
	nb = vm_store_walk(b, rb, 1000, NULL, NULL, NULL);
	CU_ASSERT(na > 5);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_EQUAL(bad, 0);
	/* compiling again into the same store adds nothing */
	{
		size_t before = vm_store_count(a);

		CU_ASSERT_EQUAL(jsl_compile(a, "p.jsl", prog, strlen(prog), &rb, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(rb, ra);
		CU_ASSERT_EQUAL(vm_store_count(a), before);
	}
	/* another file name is another program (its name is in a DATA chunk) */
	CU_ASSERT_EQUAL(jsl_compile(a, "q.jsl", prog, strlen(prog), &rb, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(rb, ra);
	/* the wire form's content id is the struct's */
	{
		uint8_t w[VM_CHUNK_WIRE_SIZE];

		vm_chunk_encode(vm_store_get(a, ra), w);
		CU_ASSERT_EQUAL(vm_chunk_wire_content_id(w), ra);
		w[VM_CHUNK_HDR_SIZE + 8] ^= 1; /* one payload bit */
		CU_ASSERT_NOT_EQUAL(vm_chunk_wire_content_id(w), ra);
		le64_store(w, 12345); /* the id is not part of the content */
		w[VM_CHUNK_HDR_SIZE + 8] ^= 1;
		CU_ASSERT_EQUAL(vm_chunk_wire_content_id(w), ra);
	}
	vm_store_free(a);
	vm_store_free(b);
}

/* Sealing: a chain and a shared chunk (a DAG) renamed; a cycle and a dangling link refused. */
static void test_seal(void)
{
	struct vm_store *src = vm_store_new(0), *dst = vm_store_new(0);
	struct vm_chunk *r, *x, *y;
	uint64_t root, rid;
	char err[160] = "";

	r = vm_store_alloc(src, VM_CHUNK_ROOT);
	x = vm_store_alloc(src, VM_CHUNK_DATA);
	y = vm_store_alloc(src, VM_CHUNK_DATA);
	vm_slot_set_int(x, 0, 1);
	vm_slot_set_int(y, 0, 1); /* the same content as x: one chunk once sealed */
	vm_slot_set_link(r, 0, x->id);
	vm_slot_set_link(r, 1, y->id);
	vm_slot_set_link(r, 2, x->id);
	rid = r->id;
	CU_ASSERT_EQUAL_FATAL(vm_store_seal(dst, src, rid, &root, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vm_store_count(dst), 2);
	CU_ASSERT_EQUAL(vm_store_get(dst, root)->s[0].v.link, vm_store_get(dst, root)->s[1].v.link);
	CU_ASSERT_EQUAL(vm_store_walk(dst, root, 10, NULL, NULL, NULL), 2);
	/* a cycle */
	vm_slot_set_link(y, 3, rid);
	CU_ASSERT_EQUAL(vm_store_seal(dst, src, rid, &root, err, sizeof(err)), -ELOOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a cycle"));
	/* a dangling link */
	vm_slot_set_link(y, 3, 999);
	CU_ASSERT_EQUAL(vm_store_seal(dst, src, rid, &root, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not in the store"));
	vm_store_free(src);
	vm_store_free(dst);
}

/* A chain as deep as a Tasklet may be long seals without recursion. */
static void test_seal_deep(void)
{
	struct vm_store *src = vm_store_new(0), *dst = vm_store_new(0);
	struct vm_chunk *prev = NULL, *c;
	uint64_t first = 0, root;
	char err[160];

	for (unsigned i = 0; i < VM_MAX_TASKLET_CHUNKS; i++) {
		c = vm_chain_add(src, VM_CHUNK_CODE, 15, &prev, &first);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		vm_slot_set_int(c, 0, i % 3);
	}
	CU_ASSERT_EQUAL_FATAL(vm_store_seal(dst, src, first, &root, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vm_store_walk(dst, root, VM_MAX_TASKLET_CHUNKS, NULL, NULL, NULL),
			VM_MAX_TASKLET_CHUNKS);
	vm_store_free(src);
	vm_store_free(dst);
}

/* The word-wise check of vm_chunk_decode and the bytewise decoder agree: every
 * (type, len) pair of a slot, each with payloads at the edges (0, a byte just
 * inside and just past len, all ones), and each reserved byte set alone. */
static void test_decode_agrees(void)
{
	static const uint64_t payloads[] = {
	    0, 1, 0xff, 0x100, 0xff00, 0x8000000000000000ull, 0x00ffffffffffffffull, ~0ull};
	uint8_t b[WIRE];
	struct vm_chunk fast, slow;
	char e1[160], e2[160];
	unsigned disagree = 0, accepted = 0;

	memset(b, 0, sizeof(b));
	le64_store(b, 7);
	b[8] = VM_CHUNK_DATA;
	for (unsigned slot = 0; slot < VM_CHUNK_SLOTS; slot += 15)
		for (unsigned t = 0; t < 256; t++)
			for (unsigned l = 0; l < 256; l++)
				for (unsigned k = 0; k < sizeof(payloads) / sizeof(payloads[0]) + 6;
				     k++) {
					uint8_t *p = b + slot_off(slot, 0);
					int a, z;

					memset(p, 0, VM_SLOT_WIRE_SIZE);
					p[0] = (uint8_t)t;
					p[1] = (uint8_t)l;
					if (k < sizeof(payloads) / sizeof(payloads[0]))
						le64_store(p + 8, payloads[k]);
					else if (t < 8 && l < 2) /* one reserved byte set */
						p[2 + k - sizeof(payloads) / sizeof(payloads[0])] =
						    1;
					else
						continue;
					a = vm_chunk_decode(b, WIRE, &fast, e1, sizeof(e1));
					z = vm_chunk_decode_bytewise(b, WIRE, &slow, e2,
								     sizeof(e2));
					if (a != z || (a == 0 && memcmp(&fast, &slow, WIRE)) ||
					    (a != 0 && strcmp(e1, e2)))
						disagree++;
					accepted += a == 0;
				}
	CU_ASSERT_EQUAL(disagree, 0);
	CU_ASSERT(accepted > 0);
	/* the header: id 0, every kind byte, each reserved byte */
	memset(b, 0, sizeof(b));
	le64_store(b, 7);
	for (unsigned kind = 0; kind < 256; kind++) {
		b[8] = (uint8_t)kind;
		CU_ASSERT_EQUAL(vm_chunk_decode(b, WIRE, NULL, NULL, 0),
				vm_chunk_decode_bytewise(b, WIRE, NULL, NULL, 0));
	}
	b[8] = VM_CHUNK_CODE;
	for (unsigned r = 9; r < 16; r++) {
		b[r] = 0x80;
		CU_ASSERT_EQUAL(vm_chunk_decode(b, WIRE, NULL, NULL, 0), -EINVAL);
		b[r] = 0;
	}
	le64_store(b, 0);
	CU_ASSERT_EQUAL(vm_chunk_decode(b, WIRE, NULL, e1, sizeof(e1)), -EINVAL);
	expect_msg(e1, "id is 0");
}

/* vm_store_put_wire: one copy into a reserved store, the same verdicts as
 * decode + put, stable pointers across reserve and growth. */
static void test_put_wire(void)
{
	struct vm_store *st = vm_store_new(0);
	const struct vm_chunk *got = NULL, *first;
	struct vm_chunk c, back;
	uint8_t b[WIRE];
	char err[160];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(vm_store_reserve(st, 5000), 0);
	sample_chunk(&c);
	vm_chunk_encode(&c, b);
	CU_ASSERT_EQUAL(vm_store_put_wire(st, b, &got, err, sizeof(err)), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_EQUAL_FATAL(vm_chunk_decode(b, WIRE, &back, NULL, 0), 0);
	CU_ASSERT_EQUAL(memcmp(got, &back, sizeof(back)), 0);
	CU_ASSERT_PTR_EQUAL(vm_store_get(st, c.id), got);
	first = got;
	/* identical again: 0; different content under the id: -EEXIST, named */
	CU_ASSERT_EQUAL(vm_store_put_wire(st, b, &got, err, sizeof(err)), 0);
	b[slot_off(0, 8)] ^= 1;
	if (b[slot_off(0, 0)] == VM_SLOT_EMPTY || b[slot_off(0, 0)] == VM_SLOT_LINK)
		b[slot_off(0, 0)] = VM_SLOT_INT;
	CU_ASSERT_EQUAL(vm_store_put_wire(st, b, NULL, err, sizeof(err)), -EEXIST);
	expect_msg(err, "a different chunk has this id");
	/* malformed: the bytewise decoder's message, nothing stored */
	vm_chunk_encode(&c, b);
	le64_store(b, 0x4242);
	b[slot_off(3, 4)] = 9;
	CU_ASSERT_EQUAL(vm_store_put_wire(st, b, NULL, err, sizeof(err)), -EINVAL);
	expect_msg(err, "slot 3");
	expect_msg(err, "reserved byte at offset");
	CU_ASSERT_PTR_NULL(vm_store_get(st, 0x4242));
	/* 20000 more: past the reservation, the first pointer stays */
	for (uint64_t id = 100; id < 20100; id++) {
		vm_chunk_encode(&c, b);
		le64_store(b, id);
		vm_store_prefetch(st, id);
		CU_ASSERT_EQUAL_FATAL(vm_store_put_wire(st, b, &got, err, sizeof(err)), 1);
		CU_ASSERT_EQUAL_FATAL(got->id, id);
	}
	CU_ASSERT_EQUAL(vm_store_count(st), 20001);
	CU_ASSERT_PTR_EQUAL(vm_store_get(st, c.id), first);
	CU_ASSERT_EQUAL(vm_store_get(st, 12345)->id, 12345);
	vm_store_free(st);
}

/* vm_store_put_wires: a frame's chunks in order, their links gathered, a
 * duplicate skipped, a refusal naming its chunk, a stop when links run short. */
static void test_put_wires(void)
{
	enum { N = 300 };
	struct vm_store *st = vm_store_new(0);
	uint8_t *w = malloc((size_t)(N + 1) * WIRE);
	const struct vm_chunk *stored[N + 1];
	uint64_t links[N * 2 + VM_CHUNK_SLOTS];
	struct vm_wire_batch b = {.stored = stored, .links = links, .caplinks = 40};
	struct vm_chunk c;
	char err[160];
	size_t from = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(vm_store_reserve(st, N), 0);
	for (unsigned i = 0; i < N; i++) { /* a chain: chunk i links to i + 1 (slot 5) */
		memset(&c, 0, sizeof(c));
		c.id = 1000 + i;
		c.kind = VM_CHUNK_DATA;
		vm_slot_set_int(&c, 0, -(int64_t)i);
		vm_slot_set_bytes(&c, 1, "xy", 2);
		if (i + 1 < N)
			vm_slot_set_link(&c, 5, 1001 + i);
		vm_chunk_encode(&c, w + (size_t)i * WIRE);
	}
	memcpy(w + (size_t)N * WIRE, w, WIRE); /* chunk 0 again: identical, skipped */
	while (from < N + 1) {
		CU_ASSERT_EQUAL_FATAL(
		    vm_store_put_wires(st, w + from * WIRE, N + 1 - from, &b, err, sizeof(err)), 0);
		CU_ASSERT_FATAL(b.done > 0);
		from += b.done;
		b.caplinks = sizeof(links) / sizeof(links[0]); /* room, as a caller makes it */
	}
	CU_ASSERT_EQUAL(b.nstored, N);
	CU_ASSERT_EQUAL(b.nlinks, N - 1);
	CU_ASSERT_EQUAL(vm_store_count(st), N);
	for (unsigned i = 0; i < N; i++) {
		CU_ASSERT_PTR_EQUAL(stored[i], vm_store_get(st, 1000 + i));
		CU_ASSERT_EQUAL(stored[i]->s[0].v.i, -(int64_t)i);
	}
	for (unsigned i = 0; i + 1 < N; i++)
		CU_ASSERT_EQUAL(links[i], 1001 + i);
	/* a conflicting duplicate and a malformed chunk in a frame: refused at its index */
	vm_store_free(st);
	st = vm_store_new(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	w[(size_t)7 * WIRE + slot_off(1, 0)] = 9; /* chunk 7: bad type tag in slot 1 */
	b = (struct vm_wire_batch){
	    .stored = stored, .links = links, .caplinks = sizeof(links) / sizeof(links[0])};
	CU_ASSERT_EQUAL(vm_store_put_wires(st, w, N, &b, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(b.done, 7);
	CU_ASSERT_EQUAL(vm_store_count(st), 7);
	expect_msg(err, "slot 1");
	expect_msg(err, "bad type tag 9");
	w[(size_t)7 * WIRE + slot_off(1, 0)] = VM_SLOT_BYTES;
	memcpy(w + (size_t)8 * WIRE, w + (size_t)2 * WIRE, 8); /* chunk 8 takes chunk 2's id */
	b = (struct vm_wire_batch){
	    .stored = stored, .links = links, .caplinks = sizeof(links) / sizeof(links[0])};
	CU_ASSERT_EQUAL(vm_store_put_wires(st, w, N, &b, err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(b.done, 8);
	expect_msg(err, "a different chunk has this id");
	vm_store_free(st);
	free(w);
}

/* clang-format off */
TL_SUITE(u_chunk, NULL, NULL,
	 { "SHA-256: the SHA extensions and mbedTLS agree", test_sha256 },
	 { "content ids: the same program has the same ids in any store", test_content_ids },
	 { "seal: a DAG shares chunks; cycles and dangling links refused", test_seal },
	 { "seal: a chain of 65536 chunks", test_seal_deep },
	 { "encode/decode round trip of every slot type", test_round_trip },
	 { "slot type and chunk kind names", test_names },
	 { "malformed chunks rejected with slot and offset", test_reject },
	 { "word-wise decode and bytewise decode agree on every slot edge", test_decode_agrees },
	 { "put_wire: one copy, same verdicts, reserve and growth", test_put_wire },
	 { "put_wires: a frame in order, links gathered, refusals at their index", test_put_wires },
	 { "decoder fuzz: no crash, accepted input is canonical", test_fuzz },
	 { "store put/get/alloc and -EEXIST", test_store_basic },
	 { "walk: BFS slot order, cycles once, early stop, -E2BIG", test_walk },
	 { "walk: dangling link and missing root give -ENOENT with the id", test_walk_dangling },
	 { "missing ids in BFS order until the graph is complete", test_missing },
	 { "200000 chunks: growth, lookups, stable pointers", test_many })
/* clang-format on */

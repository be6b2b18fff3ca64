/* SPDX-License-Identifier: MIT */
/* Description: the container's chunk cache (runtime/container/cache.c): bounded, CLOCK eviction that keeps chunks in use, lookups right after many evictions (backward-shift deletion). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/container/container_int.h"
#include "tests/tl_test.h"

static struct vm_chunk mk(uint64_t id)
{
	struct vm_chunk c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.kind = VM_CHUNK_DATA;
	vm_slot_set_int(&c, 0, (int64_t)(id * 3));
	return c;
}

static void test_bounded(void)
{
	struct rt_cache *k = rt_cache_new(100);
	struct rt_cache_stats st;
	const struct vm_chunk *g;

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	for (uint64_t id = 1; id <= 250; id++) {
		struct vm_chunk c = mk(id);

		CU_ASSERT_EQUAL(rt_cache_put(k, &c), 0);
	}
	rt_cache_stats(k, &st);
	CU_ASSERT_EQUAL(st.held, 100);
	CU_ASSERT_EQUAL(st.capacity, 100);
	CU_ASSERT_EQUAL(st.inserts, 250);
	CU_ASSERT_EQUAL(st.evictions, 150);
	/* nothing referenced: the oldest went first, the newest 100 are there */
	CU_ASSERT_PTR_NULL(rt_cache_get(k, 150));
	g = rt_cache_get(k, 151);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(g->s[0].v.i, 453);
	CU_ASSERT_PTR_NOT_NULL(rt_cache_get(k, 250));
	/* a put of a chunk already held changes nothing */
	{
		struct vm_chunk c = mk(250);

		CU_ASSERT_EQUAL(rt_cache_put(k, &c), 0);
		rt_cache_stats(k, &st);
		CU_ASSERT_EQUAL(st.inserts, 250);
	}
	rt_cache_free(k);
	CU_ASSERT_PTR_NULL(rt_cache_new(0));
}

/* A chunk used since the hand last passed survives; unused ones go. */
static void test_clock_keeps_used(void)
{
	struct rt_cache *k = rt_cache_new(10);

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	for (uint64_t id = 1; id <= 10; id++) {
		struct vm_chunk c = mk(id);

		rt_cache_put(k, &c);
	}
	CU_ASSERT_PTR_NOT_NULL(rt_cache_get(k, 1)); /* in use */
	for (uint64_t id = 11; id <= 19; id++) {
		struct vm_chunk c = mk(id);

		rt_cache_put(k, &c);
	}
	CU_ASSERT_PTR_NOT_NULL(rt_cache_get(k, 1));
	for (uint64_t id = 2; id <= 10; id++)
		CU_ASSERT_PTR_NULL(rt_cache_get(k, id));
	rt_cache_free(k);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random puts and gets against a plain model: every get agrees. */
static void test_model(void)
{
	enum { CAP = 512, IDS = 2048, OPS = 200000 };
	struct rt_cache *k = rt_cache_new(CAP);
	static uint8_t held[IDS + 1];
	uint64_t s = 99;
	unsigned nheld = 0;
	int bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	for (unsigned op = 0; op < OPS; op++) {
		/* ids collide in the index: keep them few and clustered */
		uint64_t id = 1 + rnd(&s) % IDS;
		const struct vm_chunk *g = rt_cache_get(k, id);

		if (g && (g->id != id || g->s[0].v.i != (int64_t)(id * 3)))
			bad++;
		if (!g && held[id] && nheld < CAP)
			bad++; /* never evicted while there was room */
		if (!g) {
			struct vm_chunk c = mk(id);

			rt_cache_put(k, &c);
			if (!held[id] && nheld < CAP) {
				held[id] = 1;
				nheld++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	{
		struct rt_cache_stats st;
		unsigned found = 0;

		rt_cache_stats(k, &st);
		CU_ASSERT_EQUAL(st.held, CAP);
		for (uint64_t id = 1; id <= IDS; id++)
			found += rt_cache_get(k, id) != NULL;
		CU_ASSERT_EQUAL(found, CAP); /* the index holds exactly what the array does */
	}
	rt_cache_free(k);
}

TL_SUITE(u_chunk_cache, NULL, NULL,
	 { "bounded: held never exceeds capacity, oldest unused evicted", test_bounded },
	 { "CLOCK: a chunk used since the last sweep survives", test_clock_keeps_used },
	 { "200000 random gets and puts agree with a model", test_model })

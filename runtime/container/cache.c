/* SPDX-License-Identifier: MIT */
/*
 * The container's chunk cache: content-addressed chunks (vm/chunk.h) kept
 * across Tasklets, so a program submitted again ships nothing (man
 * tasklet-container(8), CHUNK CACHE).
 *
 * A bounded array of chunks with an open-addressing index (linear probing,
 * at most half full, backward-shift deletion, so no tombstones; each entry
 * holds its chunk's id, so a probe or a shift never reads the 35 MB chunk
 * array: one cache miss per lookup, not one per probe) and CLOCK
 * eviction: a hit sets the chunk's reference bit; a put into a full cache
 * sweeps the hand past referenced chunks (clearing their bits) to the first
 * unreferenced one and puts the new chunk in its place. A program in use
 * keeps its chunks; one not used since the hand last passed goes first.
 *
 * Only chunks whose content was checked against their content id come in
 * (fetch.c checks every content id it receives while the cache is on), so one application cannot
 * put a chunk under an id another application's program uses unless it
 * finds a second preimage of 63 bits of SHA-256. I/O thread only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/container/container_int.h"

struct cent {
	uint64_t id;  /* the chunk's id (0 with idx) */
	uint32_t idx; /* index + 1 into c; 0 = free */
};

struct rt_cache {
	struct vm_chunk *c; /* [0, n): the chunks, grown by doubling up to cap */
	uint8_t *ref;       /* CLOCK reference bits, one per chunk */
	struct cent *tab;
	size_t mask;        /* tab size - 1 (>= 2 * cap - 1) */
	size_t n, alloc, cap, hand;
	struct rt_cache_stats st;
};

static inline size_t slot_of(const struct rt_cache *k, uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & k->mask;
}

struct rt_cache *rt_cache_new(size_t cap)
{
	struct rt_cache *k;
	size_t ts = 64;

	if (!cap || cap > UINT32_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	while (ts < 2 * cap)
		ts *= 2;
	k->tab = calloc(ts, sizeof(*k->tab));
	if (!k->tab) {
		free(k);
		return NULL;
	}
	k->mask = ts - 1;
	k->cap = cap;
	k->st.capacity = cap;
	return k;
}

void rt_cache_free(struct rt_cache *k)
{
	if (!k)
		return;
	free(k->c);
	free(k->ref);
	free(k->tab);
	free(k);
}

/* The index entry of id, or the free entry where it would go. */
static struct cent *find(const struct rt_cache *k, uint64_t id)
{
	size_t i = slot_of(k, id);

	while (k->tab[i].idx && k->tab[i].id != id)
		i = (i + 1) & k->mask;
	return &k->tab[i];
}

void rt_cache_prefetch(const struct rt_cache *k, uint64_t id)
{
	__builtin_prefetch(&k->tab[slot_of(k, id)]);
}

const struct vm_chunk *rt_cache_get(struct rt_cache *k, uint64_t id)
{
	uint32_t e = find(k, id)->idx;

	if (!e) {
		k->st.misses++;
		return NULL;
	}
	k->ref[e - 1] = 1;
	k->st.hits++;
	return &k->c[e - 1];
}

/* How many chunks ahead of the hand an eviction prefetches the index entry of. */
#define EVICT_AHEAD 8

/* Take entry e out of the index, shifting later entries of its run back. */
static void unindex(struct rt_cache *k, struct cent *e)
{
	size_t i = (size_t)(e - k->tab), j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & k->mask;
		if (!k->tab[j].idx)
			break;
		home = slot_of(k, k->tab[j].id);
		/* entry j may move to i when its home is not in (i, j] (cyclically) */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			k->tab[i] = k->tab[j];
			i = j;
		}
	}
	k->tab[i].idx = 0;
	k->tab[i].id = 0;
}

int rt_cache_put(struct rt_cache *k, const struct vm_chunk *ch)
{
	struct cent *e = find(k, ch->id);
	size_t idx;

	if (e->idx)
		return 0;
	if (k->n < k->cap) {
		if (k->n == k->alloc) {
			size_t na = k->alloc ? k->alloc * 2 : 1024;
			struct vm_chunk *nc;
			uint8_t *nr;

			if (na > k->cap)
				na = k->cap;
			nc = realloc(k->c, na * sizeof(*nc));
			if (!nc)
				return -ENOMEM;
			k->c = nc;
			nr = realloc(k->ref, na);
			if (!nr)
				return -ENOMEM;
			k->ref = nr;
			k->alloc = na;
		}
		idx = k->n++;
	} else {
		while (k->ref[k->hand]) {
			k->ref[k->hand] = 0;
			k->hand = (k->hand + 1) % k->cap;
		}
		idx = k->hand;
		k->hand = (k->hand + 1) % k->cap;
		/* the index entry the next eviction is likely to take out (a miss
		 * otherwise: the index is megabytes, probed at random) */
		__builtin_prefetch(&k->tab[slot_of(k, k->c[(idx + EVICT_AHEAD) % k->cap].id)]);
		unindex(k, find(k, k->c[idx].id));
		k->st.evictions++;
		e = find(k, ch->id); /* the shift may have moved the free entry */
	}
	k->c[idx] = *ch;
	k->ref[idx] = 0;
	e->id = ch->id;
	e->idx = (uint32_t)idx + 1;
	k->st.inserts++;
	return 0;
}

void rt_cache_stats(const struct rt_cache *k, struct rt_cache_stats *st)
{
	*st = k->st;
	st->held = k->n;
}

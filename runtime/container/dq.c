/* SPDX-License-Identifier: MIT */
/* Lock-free run queues and the parking eventcount; the design is in dq.h. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/container/dq.h"

#define RLX memory_order_relaxed
#define ACQ memory_order_acquire
#define REL memory_order_release

int rt_ring_init(struct rt_ring *r, size_t cap, unsigned batch)
{
	size_t c = 1;

	memset(r, 0, sizeof(*r));
	if (!cap || cap > (1ul << 31))
		return -EINVAL;
	while (c < cap)
		c <<= 1;
	if (!batch)
		batch = RT_RING_BATCH_DEFAULT;
	if (batch > c)
		batch = (unsigned)c;
	r->slots = aligned_alloc(64, c * sizeof(*r->slots) < 64 ? 64 : c * sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	for (size_t i = 0; i < c; i++) {
		atomic_init(&r->slots[i].seq, i);
		atomic_init(&r->slots[i].item, NULL);
	}
	r->mask = c - 1;
	r->batch = batch;
	r->win = 1;
	atomic_init(&r->tail, 0);
	atomic_init(&r->otaken, 0);
	atomic_init(&r->steal, 0);
	atomic_init(&r->stolen, 0);
	return 0;
}

void rt_ring_destroy(struct rt_ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

size_t rt_ring_cap(const struct rt_ring *r)
{
	return r->mask + 1;
}

int rt_ring_push_mp(struct rt_ring *r, void *item)
{
	uint64_t t = atomic_load_explicit(&r->tail, RLX);
	struct rt_ring_slot *s;

	if (!item)
		return -EINVAL;
	for (;;) {
		int64_t d;

		s = &r->slots[t & r->mask];
		d = (int64_t)(atomic_load_explicit(&s->seq, ACQ) - t);
		if (d == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->tail, &t, t + 1, RLX, RLX))
				break;
		} else if (d < 0) {
			return -EBUSY;
		} else {
			t = atomic_load_explicit(&r->tail, RLX); /* another producer took t */
		}
	}
	atomic_store_explicit(&s->item, item, RLX);
	atomic_store_explicit(&s->seq, t + 1, REL);
	return 0;
}

/*
 * Owner, its window used up: claim [l, l + win) from the steal cursor if item
 * l is there. Returns 1 with head/end set, 0 when nothing is there. The window
 * adapts: if thieves took anything past the previous window (the cursor is
 * beyond its end) they are hungry, and the next window is half as large;
 * otherwise it doubles, up to batch. So an owner nobody steals from pays its
 * CAS once per batch pops, and one with thieves about keeps little from them.
 * Relaxed CAS: the slots' seq carry the data; the CAS only decides who owns
 * which index.
 */
int rt_ring_claim_(struct rt_ring *r)
{
	uint64_t l = atomic_load_explicit(&r->steal, RLX);
	uint64_t win = r->win;

	if (l != r->end)
		win = win > 1 ? win / 2 : 1;
	else if (win < r->batch)
		win *= 2;
	for (;;) {
		uint64_t seq = atomic_load_explicit(&r->slots[l & r->mask].seq, ACQ);
		int64_t d = (int64_t)(seq - (l + 1));

		if (d < 0)
			return 0; /* item l not pushed yet */
		if (d > 0) {
			l = atomic_load_explicit(&r->steal, RLX); /* l was taken: stale cursor */
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(&r->steal, &l, l + win, RLX, RLX)) {
			r->head = l;
			r->end = l + win;
			r->win = win;
			return 1;
		}
	}
}

void *rt_ring_steal(struct rt_ring *r)
{
	uint64_t l = atomic_load_explicit(&r->steal, RLX);

	for (;;) {
		struct rt_ring_slot *s = &r->slots[l & r->mask];
		int64_t d = (int64_t)(atomic_load_explicit(&s->seq, ACQ) - (l + 1));
		void *item;

		if (d < 0)
			return NULL; /* not pushed yet (or the slot still holds item l - cap) */
		if (d > 0) {
			l = atomic_load_explicit(&r->steal, RLX);
			continue;
		}
		/* Read before the CAS: once it succeeds the producer may reuse the slot. */
		item = atomic_load_explicit(&s->item, RLX);
		if (atomic_compare_exchange_weak_explicit(&r->steal, &l, l + 1, RLX, RLX)) {
			atomic_store_explicit(&s->seq, l + r->mask + 1, REL);
			atomic_fetch_add_explicit(&r->stolen, 1, REL);
			return item;
		}
		/* The owner claimed a window or another thief won: l now holds the cursor. */
	}
}

/*
 * Lowering the cursor from end to head is safe only if it is still at end: no
 * thief took an index at or past end, so [head, end) was never visible to one.
 * A thief that read the cursor long ago and CASes it later with an old value
 * can only succeed on an index that is still untaken, whose slot it read
 * correctly (a slot is not reused before its index is taken).
 */
int rt_ring_release(struct rt_ring *r)
{
	uint64_t e = r->end;

	if (r->head == e)
		return 0;
	if (!atomic_compare_exchange_strong_explicit(&r->steal, &e, r->head, RLX, RLX))
		return -EBUSY;
	r->end = r->head;
	return 0;
}

size_t rt_ring_depth(const struct rt_ring *r)
{
	/* The taken counts first: every taken item was counted in tail before. */
	uint64_t taken = atomic_load_explicit(&r->otaken, ACQ) +
			 atomic_load_explicit(&r->stolen, ACQ);
	int64_t d = (int64_t)(atomic_load_explicit(&r->tail, ACQ) - taken);

	/* Clamped all the same: a reader that stalled between its loads must
	 * not report a depth the ring cannot hold. */
	if (d < 0)
		return 0;
	return (uint64_t)d > r->mask + 1 ? r->mask + 1 : (size_t)d;
}

/* ---- Parking ----------------------------------------------------------------- */

void rt_park_init(struct rt_park *p)
{
	atomic_init(&p->epoch, 0);
	atomic_init(&p->waiters, 0);
}

/*
 * The waiter count is the one place where waiter and notifier meet: both make
 * a read-modify-write on it, and RMWs on one object are totally ordered. If
 * notify's RMW comes first, the waiter's increment reads from it (acquire
 * from notify's release), so the push before notify is visible to the
 * waiter's re-check; otherwise notify reads a count >= 1 and wakes. A seq_cst
 * fence would do as well in C11 but is an MFENCE, 22 ns on our AMD VMs, where
 * a locked RMW costs ~3 ns.
 */
uint32_t rt_park_prepare(struct rt_park *p)
{
	atomic_fetch_add_explicit(&p->waiters, 1, memory_order_acq_rel);
	return atomic_load_explicit(&p->epoch, ACQ);
}

void rt_park_cancel(struct rt_park *p)
{
	atomic_fetch_sub_explicit(&p->waiters, 1, RLX);
}

int rt_park_wait(struct rt_park *p, uint32_t key, const struct timespec *rel)
{
	int rc = 0;

	if (atomic_load_explicit(&p->epoch, ACQ) == key &&
	    syscall(SYS_futex, &p->epoch, FUTEX_WAIT_PRIVATE, key, rel, NULL, 0) < 0 &&
	    errno != EAGAIN)
		rc = -errno;
	/* The acquire pairs with notify's release increment: what the notifier
	 * pushed is visible to the re-check the caller makes next. */
	(void)atomic_load_explicit(&p->epoch, ACQ);
	atomic_fetch_sub_explicit(&p->waiters, 1, RLX);
	return rc;
}

void rt_park_wake_(struct rt_park *p)
{
	atomic_fetch_add_explicit(&p->epoch, 1, REL);
	syscall(SYS_futex, &p->epoch, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* ---- The dual queue ------------------------------------------------------------ */

int rt_dq_init(struct rt_dq *q, size_t cap, unsigned batch)
{
	int rc;

	rc = rt_ring_init(&q->q[RT_DQ_PRIO], cap, batch);
	if (rc < 0)
		return rc;
	rc = rt_ring_init(&q->q[RT_DQ_ECON], cap, batch);
	if (rc < 0) {
		rt_ring_destroy(&q->q[RT_DQ_PRIO]);
		return rc;
	}
	q->order[RT_DQ_PRIO] = q->order[RT_DQ_ECON] = RT_DQ_FIFO;
	rt_park_init(&q->park);
	return 0;
}

void rt_dq_destroy(struct rt_dq *q)
{
	rt_ring_destroy(&q->q[RT_DQ_ECON]);
	rt_ring_destroy(&q->q[RT_DQ_PRIO]);
}

int rt_dq_push_mp(struct rt_dq *q, void *item, enum rt_dq_class cls)
{
	int rc;

	if ((unsigned)cls >= RT_DQ_NCLASS)
		return -EINVAL;
	rc = rt_ring_push_mp(&q->q[cls], item);
	if (rc == 0)
		rt_park_notify(&q->park);
	return rc;
}

void *rt_dq_steal(struct rt_dq *victim, unsigned classes, enum rt_dq_class *cls)
{
	for (unsigned k = RT_DQ_PRIO; k < RT_DQ_NCLASS; k++) {
		void *item;

		if (!(classes & (1u << k)))
			continue;
		item = rt_ring_steal(&victim->q[k]);
		if (item) {
			if (cls)
				*cls = (enum rt_dq_class)k;
			return item;
		}
	}
	return NULL;
}

int rt_dq_release(struct rt_dq *q)
{
	int a = rt_ring_release(&q->q[RT_DQ_PRIO]);
	int b = rt_ring_release(&q->q[RT_DQ_ECON]);

	return a < 0 ? a : b;
}

size_t rt_dq_depth(const struct rt_dq *q, enum rt_dq_class cls)
{
	return rt_ring_depth(&q->q[cls]);
}

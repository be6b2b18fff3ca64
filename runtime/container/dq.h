/* SPDX-License-Identifier: MIT */
/*
 * A worker's run queues: bounded lock-free rings of pointers (struct rt_ring),
 * the per-worker dual queue built from two of them (struct rt_dq: priority and
 * economy, paper §V-A.3) and the futex eventcount a worker parks on when it has
 * nothing to do (struct rt_park).
 *
 * Who calls what
 * --------------
 *   producer  rt_ring_push / rt_dq_push: ONE thread per ring at a time (the
 *             container's I/O thread). rt_ring_push_mp / rt_dq_push_mp: any
 *             number of threads. A ring is used with one of the two for its
 *             whole life; never mix them on one ring.
 *   owner     rt_ring_pop / rt_dq_pop / rt_*_release: the one worker that owns
 *             the ring (a different thread may take over only after the
 *             previous owner's last call returned, with a happens-before edge
 *             such as pthread_join or a mutex).
 *   thief     rt_ring_steal / rt_dq_steal: any thread, any number at once,
 *             concurrently with the producer(s) and the owner.
 *   anyone    rt_ring_depth / rt_dq_depth, rt_park_notify.
 * None of push, pop, steal or depth takes a lock or makes a system call;
 * items are non-NULL pointers (NULL is "nothing there").
 *
 * The ring
 * --------
 * A power-of-two array of slots {seq, item} indexed by 64-bit counters that
 * never wrap in practice (Vyukov's bounded queue). For index i, slot
 * i & mask holds seq == i when it is free for the producer of i, seq == i + 1
 * when item i is in it, and seq == i + cap once item i was taken. The seq
 * stores are releases and their loads acquires, so the item (and whatever the
 * producer wrote before pushing it) is visible to whoever takes it, and the
 * taker's reading of the slot happens before the producer of i + cap reuses
 * it. Producer and owner never read each other's counters: a slot's seq says
 * "full" and "empty", so in a steady stream the only cache lines that move
 * between their cores are the slots themselves.
 *
 * Why the owner's pop has no atomic read-modify-write: taking an item that a
 * thief may take too needs an atomic RMW or a StoreLoad fence in the taker
 * ("Laws of Order", Attiya et al., POPL 2011): a locked instruction costs
 * ~3 ns on our AMD VMs and MFENCE 22 ns, against ~2 ns for ck_ring's whole
 * SPSC push+pop. So the owner pays one CAS per WINDOW: it claims indices
 * [head, end) with one CAS on the steal cursor (`steal`, the lowest index a
 * thief may take) and then takes the items of its window, as they arrive,
 * with plain loads and stores, since no thief touches an index below
 * `steal`. A window is claimed when its first item is there and may run
 * ahead of the producer, which is what keeps a push-then-pop on an empty
 * ring cheap. Thieves take one item at a time at `steal`: check the slot's
 * seq, read the item, then CAS `steal` from i to i + 1. A failed CAS (the
 * owner claimed, or another thief won) discards what was read; as `steal`
 * only grows (rt_ring_release below is the one exception, and it is safe),
 * a successful CAS means item i was still there and the slot still held it.
 * A thief racing the owner for the last item therefore races on one CAS
 * word, and each item is taken exactly once. All CASes are relaxed: the
 * slots' seq carry the data, the CAS only decides who owns which index.
 *
 * The window adapts (rt_ring_claim_): it doubles, up to `batch` (default
 * 32), while no thief takes anything past it, and halves whenever one did
 * since the previous claim. An owner nobody steals from pays a CAS per 32
 * pops; one with hungry thieves about keeps little from them. The price:
 * while the owner runs a Tasklet, items that arrived in its window (fewer
 * than the window) can only be taken by it. rt_ring_release (owner, one
 * CAS) gives the window back unless a thief has gone past it since it was
 * claimed, so a container can call it before a long run, before parking for
 * good and at shutdown; batch 1 makes every item stealable at all times, at
 * one CAS per pop. bench/README.md has the figures.
 *
 * Depth is pushed - (taken by the owner) - (taken by thieves), three counters
 * each written by one kind of caller; it counts what sits in the owner's
 * window. It is exact whenever no push, pop or steal is in flight, and never
 * outside [0, cap] (it may include an item whose steal is between its CAS and
 * its count, for a few nanoseconds).
 *
 * Why one producer per ring by default: a second producer needs an RMW on
 * the tail per push (rt_ring_push_mp, Vyukov's enqueue), which would cost
 * what the owner's windows save; the container has one I/O thread placing
 * work, so rt_ring_push is the contract and rt_ring_push_mp is there for a
 * container with several placing threads.
 *
 * A slot is free for reuse only once its taker released it, so a taker
 * preempted between its CAS and its release keeps that one slot busy: a push
 * that laps the ring onto it sees -EBUSY until the taker runs again.
 *
 * The dual queue
 * --------------
 * rt_dq_pop takes the priority ring first and the economy ring only when the
 * priority ring has nothing the owner may take: strict priority between
 * classes, FIFO within one (what a worker pops comes in index order; items a
 * thief took are simply missing from that order). The order within a class is
 * named by enum rt_dq_order, fixed at init; only RT_DQ_FIFO exists. An
 * earliest-deadline-first class would be a different structure behind the
 * same calls (a per-worker deadline heap fed by the ring), selected in
 * rt_dq_init and dispatched in rt_dq_push / rt_dq_pop / rt_dq_steal on
 * q->order[cls]; the FIFO fast path stays as it is.
 *
 * Parking (struct rt_park, an eventcount on a futex)
 * --------------------------------------------------
 * A worker that found nothing (own rings, then stealing) parks like this:
 *
 *	key = rt_park_prepare(&me->park);     // announce: "about to sleep"
 *	if ((x = rt_dq_pop(me, &cls)))        // re-check everything once more
 *		rt_park_cancel(&me->park);    // found work: not sleeping after all
 *	else
 *		rt_park_wait(&me->park, key, NULL);  // sleeps unless notified since prepare
 *
 * and a producer calls rt_park_notify after its push (rt_dq_push does; a
 * producer placing several items may rt_ring_push them and notify once).
 * No wake-up is lost: prepare and notify both make a read-modify-write on
 * the waiter count, and RMWs on one object are totally ordered. If notify's
 * comes first, prepare's acquire RMW reads from notify's release RMW, so the
 * push before notify is visible to the re-check; otherwise notify reads a
 * count >= 1, bumps the 32-bit epoch that the key holds (release) and
 * FUTEX_WAKEs every waiter, and a waiter whose key is stale returns from
 * FUTEX_WAIT at once. (A seq_cst fence on each side would do as well in C11,
 * but is an MFENCE, 22 ns here.) A notify with nobody waiting is one
 * uncontended RMW, no system call; a wake-up costs what a condition
 * variable's does (the futex), and the waiter must run again to see it.
 */
#ifndef TL_RT_CONTAINER_DQ_H
#define TL_RT_CONTAINER_DQ_H

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RT_RING_BATCH_DEFAULT 32 /* largest owner window (see above) */

struct rt_ring_slot {
	_Atomic uint64_t seq;
	_Atomic(void *) item;
};

/*
 * The groups of fields written by different threads are 64 bytes apart so
 * that they never share a cache line, whatever the alignment of the struct
 * (malloc is enough).
 */
struct rt_ring {
	struct rt_ring_slot *slots; /* read-only after init */
	uint64_t mask;              /* cap - 1 */
	uint64_t batch;             /* largest owner window, 1..cap */
	char pad0[64];
	_Atomic uint64_t tail; /* producer(s): next index to push = items pushed */
	char pad1[64];
	uint64_t head;           /* owner only: next index of its window */
	uint64_t end;            /* owner only: end of its window */
	uint64_t win;            /* owner only: size of its next window */
	_Atomic uint64_t otaken; /* written by the owner only: items it took */
	char pad2[64];
	_Atomic uint64_t steal;  /* CAS by thieves and the owner: lowest stealable index */
	_Atomic uint64_t stolen; /* items thieves took */
	char pad3[64];
};

/* Capacity rounded up to a power of two (1..2^31); batch: the largest owner
 * window, 1..cap (0: RT_RING_BATCH_DEFAULT; 1: every item stealable, a CAS per
 * pop). 0, -EINVAL or -ENOMEM. */
int rt_ring_init(struct rt_ring *r, size_t cap, unsigned batch);
void rt_ring_destroy(struct rt_ring *r);
/* Producer. 0, -EBUSY when full, -EINVAL for NULL. Single producer; see above. */
static inline int rt_ring_push(struct rt_ring *r, void *item);
/* Any number of producers at once (one CAS per push). 0, -EBUSY, -EINVAL. */
int rt_ring_push_mp(struct rt_ring *r, void *item);
/* Owner. The oldest item the owner may take, or NULL when there is none. */
static inline void *rt_ring_pop(struct rt_ring *r);
/* Any thread. The oldest item outside the owner's window, or NULL. */
void *rt_ring_steal(struct rt_ring *r);
/* Owner: give the rest of its window back to thieves. 0 when nothing is left
 * that only the owner can take; -EBUSY when a thief went past the window since
 * it was claimed: then every index in it holds an item, and the owner should
 * pop them (fewer than batch). */
int rt_ring_release(struct rt_ring *r);
/* Any thread: items pushed and not yet taken (see above). */
size_t rt_ring_depth(const struct rt_ring *r);
size_t rt_ring_cap(const struct rt_ring *r);

/* Not for callers: the owner's slow path, its window used up. */
int rt_ring_claim_(struct rt_ring *r);

/*
 * The fast paths are inline: a call and return on each side cost as much as
 * the operation itself (bench/README.md). tail is stored before the slot's
 * releasing seq store, so whoever took the item and then counted it had the
 * new tail before: rt_ring_depth never goes negative.
 */
static inline int rt_ring_push(struct rt_ring *r, void *item)
{
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct rt_ring_slot *s = &r->slots[t & r->mask];

	if (__builtin_expect(!item, 0))
		return -EINVAL;
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != t)
		return -EBUSY; /* item t - cap (or its taker) still holds the slot */
	atomic_store_explicit(&s->item, item, memory_order_relaxed);
	atomic_store_explicit(&r->tail, t + 1, memory_order_relaxed);
	atomic_store_explicit(&s->seq, t + 1, memory_order_release);
	return 0;
}

static inline void *rt_ring_pop(struct rt_ring *r)
{
	uint64_t h = r->head;
	struct rt_ring_slot *s;
	void *item;

	if (__builtin_expect(h == r->end, 0)) {
		uint64_t l = atomic_load_explicit(&r->steal, memory_order_relaxed);
		uint64_t seq =
			atomic_load_explicit(&r->slots[l & r->mask].seq, memory_order_relaxed);

		/* Item l not pushed: empty, with no call and no RMW. (A stale l shows
		 * a seq past l + 1, which the slow path sorts out.) */
		if ((int64_t)(seq - (l + 1)) < 0 || !rt_ring_claim_(r))
			return NULL;
		h = r->head;
	}
	/* Only the producer of h and this owner touch index h: no RMW. */
	s = &r->slots[h & r->mask];
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != h + 1)
		return NULL;
	item = atomic_load_explicit(&s->item, memory_order_relaxed);
	atomic_store_explicit(&s->seq, h + r->mask + 1, memory_order_release);
	r->head = h + 1;
	atomic_store_explicit(&r->otaken,
			      atomic_load_explicit(&r->otaken, memory_order_relaxed) + 1,
			      memory_order_release);
	return item;
}

/* ---- Parking ----------------------------------------------------------------- */

struct rt_park {
	_Atomic uint32_t epoch;   /* the futex word: bumped by a notify that saw waiters */
	_Atomic uint32_t waiters; /* threads between prepare and the end of wait/cancel */
};

void rt_park_init(struct rt_park *p);
/* Waiter: announce; the return value is the key for rt_park_wait. */
uint32_t rt_park_prepare(struct rt_park *p);
/* Waiter: the re-check after prepare found work. */
void rt_park_cancel(struct rt_park *p);
/* Waiter: sleep until a notify after the matching prepare (returns at once if
 * one came already), or rel elapses (NULL: no limit). 0 (woken, possibly
 * spuriously: re-check and park again), -ETIMEDOUT or -EINTR. */
int rt_park_wait(struct rt_park *p, uint32_t key, const struct timespec *rel);
/* Not for callers: the notify that found waiters. */
void rt_park_wake_(struct rt_park *p);

/*
 * Anyone, after making work visible: wake every waiter. With nobody waiting it
 * is one uncontended RMW (~3 ns): an RMW and not a plain load, because the
 * waiter count is where notifier and waiter meet (see rt_park_prepare in dq.c).
 */
static inline void rt_park_notify(struct rt_park *p)
{
	if (atomic_fetch_add_explicit(&p->waiters, 0, memory_order_acq_rel))
		rt_park_wake_(p);
}

/* ---- The dual queue ------------------------------------------------------------ */

enum rt_dq_class { RT_DQ_PRIO = 0, RT_DQ_ECON = 1, RT_DQ_NCLASS };
#define RT_DQ_STEAL_PRIO (1u << RT_DQ_PRIO)
#define RT_DQ_STEAL_ECON (1u << RT_DQ_ECON)

/* Order within a class; the place for earliest deadline first (RT_DQ_EDF). */
enum rt_dq_order { RT_DQ_FIFO = 0 };

struct rt_dq {
	struct rt_ring q[RT_DQ_NCLASS];
	enum rt_dq_order order[RT_DQ_NCLASS];
	struct rt_park park; /* the owner parks here; pushes notify it */
};

/* cap items per class, batch as for rt_ring_init; both classes FIFO.
 * 0, -EINVAL or -ENOMEM. */
int rt_dq_init(struct rt_dq *q, size_t cap, unsigned batch);
void rt_dq_destroy(struct rt_dq *q);
/* Producer (one thread; see rt_dq_push_mp): push, then rt_park_notify(&q->park).
 * 0, -EBUSY when that class is full, -EINVAL. */
static inline int rt_dq_push(struct rt_dq *q, void *item, enum rt_dq_class cls);
/* Producers, any number at once. Same results. */
int rt_dq_push_mp(struct rt_dq *q, void *item, enum rt_dq_class cls);
/* Owner: priority first, economy only when no priority item is there for it.
 * NULL when neither has one; *cls (may be NULL) receives the class. */
static inline void *rt_dq_pop(struct rt_dq *q, enum rt_dq_class *cls);
/* Thief: from the classes in `classes` (RT_DQ_STEAL_*), priority first. */
void *rt_dq_steal(struct rt_dq *victim, unsigned classes, enum rt_dq_class *cls);
/* Owner: rt_ring_release on both rings; -EBUSY if either returned it. */
int rt_dq_release(struct rt_dq *q);
size_t rt_dq_depth(const struct rt_dq *q, enum rt_dq_class cls);

static inline int rt_dq_push(struct rt_dq *q, void *item, enum rt_dq_class cls)
{
	int rc;

	if ((unsigned)cls >= RT_DQ_NCLASS)
		return -EINVAL;
	rc = rt_ring_push(&q->q[cls], item);
	if (rc == 0)
		rt_park_notify(&q->park);
	return rc;
}

static inline void *rt_dq_pop(struct rt_dq *q, enum rt_dq_class *cls)
{
	enum rt_dq_class k = RT_DQ_PRIO;
	void *item = rt_ring_pop(&q->q[RT_DQ_PRIO]);

	if (!item) {
		k = RT_DQ_ECON;
		item = rt_ring_pop(&q->q[RT_DQ_ECON]);
	}
	if (item && cls)
		*cls = k;
	return item;
}

#endif

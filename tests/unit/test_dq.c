/* SPDX-License-Identifier: MIT */
/* Description: the container's per-worker lock-free dual queues, stealing and parking. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/container/dq.h"
#include "tests/tl_test.h"

static void *item(uintptr_t i)
{
	return (void *)(i + 1);
}

static void test_priority_first_fifo_within(void)
{
	struct rt_dq q;
	enum rt_dq_class cls = RT_DQ_NCLASS;

	CU_ASSERT_FATAL(rt_dq_init(&q, 8, 0) == 0);
	/* e0 e1 p2 e3 p4 p5 pushed; popped p2 p4 p5 e0 e1 e3. */
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(0), RT_DQ_ECON), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(1), RT_DQ_ECON), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(2), RT_DQ_PRIO), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(3), RT_DQ_ECON), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(4), RT_DQ_PRIO), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(5), RT_DQ_PRIO), 0);
	CU_ASSERT_EQUAL(rt_dq_depth(&q, RT_DQ_PRIO), 3);
	CU_ASSERT_EQUAL(rt_dq_depth(&q, RT_DQ_ECON), 3);
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(2));
	CU_ASSERT_EQUAL(cls, RT_DQ_PRIO);
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(4));
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(5));
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(0));
	CU_ASSERT_EQUAL(cls, RT_DQ_ECON);
	/* A priority item arriving now still overtakes the waiting economy ones. */
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(6), RT_DQ_PRIO), 0);
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(6));
	CU_ASSERT_EQUAL(cls, RT_DQ_PRIO);
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(1));
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, &cls), item(3));
	CU_ASSERT_PTR_NULL(rt_dq_pop(&q, &cls));
	CU_ASSERT_EQUAL(rt_dq_depth(&q, RT_DQ_PRIO), 0);
	CU_ASSERT_EQUAL(rt_dq_depth(&q, RT_DQ_ECON), 0);
	rt_dq_destroy(&q);
}

static void test_bounded_per_class(void)
{
	struct rt_dq q;

	CU_ASSERT_FATAL(rt_dq_init(&q, 3, 0) == 0); /* rounds up to 4 */
	CU_ASSERT_EQUAL(rt_ring_cap(&q.q[RT_DQ_ECON]), 4);
	for (uintptr_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(rt_dq_push(&q, item(i), RT_DQ_ECON), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(9), RT_DQ_ECON), -EBUSY);
	CU_ASSERT_EQUAL(rt_dq_depth(&q, RT_DQ_ECON), 4);
	/* The other class has its own bound. */
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(9), RT_DQ_PRIO), 0);
	/* Taking one (by the owner or a thief) makes room for one. */
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, NULL), item(9));
	CU_ASSERT_PTR_EQUAL(rt_dq_pop(&q, NULL), item(0));
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(4), RT_DQ_ECON), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(5), RT_DQ_ECON), -EBUSY);
	CU_ASSERT_EQUAL(rt_dq_push_mp(&q, item(5), RT_DQ_PRIO), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&q, NULL, RT_DQ_ECON), -EINVAL);
	CU_ASSERT_EQUAL(rt_dq_push(&q, item(5), (enum rt_dq_class)7), -EINVAL);
	rt_dq_destroy(&q);
	CU_ASSERT_EQUAL(rt_dq_init(&q, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(rt_dq_init(&q, (1ul << 31) + 1, 0), -EINVAL);
}

/* The owner's window is only its own; release hands it to thieves unless a
 * thief already went past it. */
static void test_window_steal_release(void)
{
	struct rt_ring r;

	/* batch 1: no window to speak of, every item is stealable at all times. */
	CU_ASSERT_FATAL(rt_ring_init(&r, 16, 1) == 0);
	for (uintptr_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(rt_ring_push(&r, item(i)), 0);
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(0));
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(1));
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(2));
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(3));
	CU_ASSERT_PTR_NULL(rt_ring_steal(&r));
	CU_ASSERT_PTR_NULL(rt_ring_pop(&r));
	CU_ASSERT_EQUAL(rt_ring_depth(&r), 0);
	rt_ring_destroy(&r);

	CU_ASSERT_FATAL(rt_ring_init(&r, 16, 8) == 0);
	for (uintptr_t i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(rt_ring_push(&r, item(i)), 0);
	/* The first pop claims a window of 2 (it doubles from 1 while nobody steals). */
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(0));
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(2)); /* item 1 is in the window */
	CU_ASSERT_EQUAL(rt_ring_depth(&r), 8);
	CU_ASSERT_EQUAL(rt_ring_release(&r), -EBUSY); /* a thief went past it */
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(1));
	CU_ASSERT_EQUAL(rt_ring_release(&r), 0); /* nothing left in it */
	/* The thief was seen: the next window is half as large (1), and the
	 * one after twice that (2), which release gives back whole. */
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(3));
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(4));
	CU_ASSERT_EQUAL(rt_ring_release(&r), 0);
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(5));
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(6));
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(7));
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(8));
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(9));
	CU_ASSERT_PTR_NULL(rt_ring_pop(&r));
	/* A window runs ahead of the producer (this one claims 4 for 1 item):
	 * what lands in it is the owner's until it releases it. */
	CU_ASSERT_EQUAL(rt_ring_push(&r, item(10)), 0);
	CU_ASSERT_PTR_EQUAL(rt_ring_pop(&r), item(10));
	CU_ASSERT_EQUAL(rt_ring_push(&r, item(11)), 0);
	CU_ASSERT_PTR_NULL(rt_ring_steal(&r));
	CU_ASSERT_EQUAL(rt_ring_depth(&r), 1);
	CU_ASSERT_EQUAL(rt_ring_release(&r), 0);
	CU_ASSERT_PTR_EQUAL(rt_ring_steal(&r), item(11));
	CU_ASSERT_EQUAL(rt_ring_depth(&r), 0);
	CU_ASSERT_PTR_NULL(rt_ring_pop(&r));
	CU_ASSERT_PTR_NULL(rt_ring_steal(&r));
	rt_ring_destroy(&r);
}

/* ---- Threads: producers, the owner, thieves ------------------------------------- */

#define STRESS_N    60000 /* items per producer */
#define STRESS_PROD 2

struct stress {
	struct rt_dq q;
	int nprod, mp, nthieves, owner_work;
	_Atomic unsigned char seen[STRESS_PROD * STRESS_N];
	_Atomic uint64_t delivered, dups, disorder;
	_Atomic int producers_done, owner_quit;
	_Atomic uint64_t owner_got, thief_got;
	time_t deadline; /* CLOCK_MONOTONIC seconds */
};

/* Item numbering: producer p, class c, sequence k -> value; the class and the
 * producer are recoverable, so each consumer can check FIFO per (p, c). */
static uintptr_t encode(int p, int k)
{
	return (uintptr_t)p * STRESS_N + (uintptr_t)k;
}

struct consumer_state {
	uintptr_t last[STRESS_PROD][RT_DQ_NCLASS];
	int have[STRESS_PROD][RT_DQ_NCLASS];
};

static void deliver(struct stress *s, struct consumer_state *cs, void *x, enum rt_dq_class cls)
{
	uintptr_t v = (uintptr_t)x - 1;
	int p = (int)(v / STRESS_N);

	if (v >= (uintptr_t)STRESS_PROD * STRESS_N ||
	    atomic_exchange_explicit(&s->seen[v], 1, memory_order_relaxed)) {
		atomic_fetch_add(&s->dups, 1);
		return;
	}
	/* Producer p pushes class (k % 3 == 0 ? PRIO : ECON) in increasing k. */
	if (cs->have[p][cls] && v <= cs->last[p][cls])
		atomic_fetch_add(&s->disorder, 1);
	if ((v % STRESS_N) % 3 == 0 ? cls != RT_DQ_PRIO : cls != RT_DQ_ECON)
		atomic_fetch_add(&s->disorder, 1);
	cs->have[p][cls] = 1;
	cs->last[p][cls] = v;
	atomic_fetch_add(&s->delivered, 1);
}

struct prod_arg {
	struct stress *s;
	int p;
};

static void *stress_producer(void *arg)
{
	struct prod_arg *a = arg;
	struct stress *s = a->s;

	for (int k = 0; k < STRESS_N; k++) {
		enum rt_dq_class cls = k % 3 == 0 ? RT_DQ_PRIO : RT_DQ_ECON;
		void *x = item(encode(a->p, k));
		int rc;

		while ((rc = s->mp ? rt_dq_push_mp(&s->q, x, cls) : rt_dq_push(&s->q, x, cls)) ==
		       -EBUSY)
			sched_yield();
		if (rc)
			atomic_fetch_add(&s->dups, 1000000); /* any other error fails the test */
	}
	atomic_fetch_add(&s->producers_done, 1);
	return NULL;
}

static uint64_t total(struct stress *s)
{
	return (uint64_t)s->nprod * STRESS_N;
}

/* A lost item must fail the test, not hang it. */
static int past_deadline(struct stress *s)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > s->deadline;
}

/* The owner pops, parking when empty; once the producers are done it quits
 * early (a worker shutting down), giving its window back first: whatever is
 * left must reach the thieves. */
static void *stress_owner(void *arg)
{
	struct stress *s = arg;
	struct consumer_state cs = { 0 };
	struct timespec tick = { 0, 2000000 }; /* bounds a wait if the thieves finish */
	enum rt_dq_class cls;
	uint64_t got = 0;

	for (;;) {
		void *x = rt_dq_pop(&s->q, &cls);

		if (x) {
			deliver(s, &cs, x, cls);
			got++;
			/* A busy owner: its queue builds up and the thieves race for it. */
			for (volatile int w = 0; w < s->owner_work; w++)
				;
			continue;
		}
		if (past_deadline(s))
			break;
		if (atomic_load(&s->producers_done) == s->nprod) {
			if (rt_dq_release(&s->q) == 0)
				break;
			continue; /* a thief went past the window: pop what is in it */
		}
		uint32_t key = rt_park_prepare(&s->q.park);

		x = rt_dq_pop(&s->q, &cls);
		if (x) {
			rt_park_cancel(&s->q.park);
			deliver(s, &cs, x, cls);
			got++;
			continue;
		}
		rt_park_wait(&s->q.park, key, &tick);
	}
	atomic_store(&s->owner_got, got);
	atomic_store(&s->owner_quit, 1);
	return NULL;
}

static void *stress_thief(void *arg)
{
	struct stress *s = arg;
	struct consumer_state cs = { 0 };
	enum rt_dq_class cls;
	uint64_t got = 0, idle = 0;

	while (atomic_load(&s->delivered) < total(s) && !past_deadline(s)) {
		void *x = rt_dq_steal(&s->q, RT_DQ_STEAL_PRIO | RT_DQ_STEAL_ECON, &cls);

		if (x) {
			deliver(s, &cs, x, cls);
			got++;
		} else if (atomic_load(&s->owner_quit) &&
			   atomic_load(&s->producers_done) == s->nprod &&
			   rt_dq_depth(&s->q, RT_DQ_PRIO) + rt_dq_depth(&s->q, RT_DQ_ECON) == 0) {
			break;
		} else if (++idle % 64 == 0) {
			sched_yield(); /* spin mostly: thieves should race each other */
		}
	}
	atomic_fetch_add(&s->thief_got, got);
	return NULL;
}

static void run_stress(int nprod, int mp, int nthieves, unsigned cap, unsigned batch,
		       int owner_work)
{
	struct stress *s = calloc(1, sizeof(*s));
	pthread_t prod[STRESS_PROD], owner, thieves[3];
	struct prod_arg pa[STRESS_PROD];
	struct timespec now;

	CU_ASSERT_FATAL(s != NULL);
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->deadline = now.tv_sec + 60;
	s->owner_work = owner_work;
	CU_ASSERT_FATAL(rt_dq_init(&s->q, cap, batch) == 0);
	s->nprod = nprod;
	s->mp = mp;
	s->nthieves = nthieves;
	CU_ASSERT_FATAL(pthread_create(&owner, NULL, stress_owner, s) == 0);
	for (int i = 0; i < nthieves; i++)
		CU_ASSERT_FATAL(pthread_create(&thieves[i], NULL, stress_thief, s) == 0);
	for (int p = 0; p < nprod; p++) {
		pa[p] = (struct prod_arg){ s, p };
		CU_ASSERT_FATAL(pthread_create(&prod[p], NULL, stress_producer, &pa[p]) == 0);
	}
	for (int p = 0; p < nprod; p++)
		pthread_join(prod[p], NULL);
	pthread_join(owner, NULL);
	for (int i = 0; i < nthieves; i++)
		pthread_join(thieves[i], NULL);

	if (atomic_load(&s->dups) || atomic_load(&s->disorder) ||
	    atomic_load(&s->delivered) != total(s))
		printf("(%lu duplicates, %lu out of order, %lu of %lu delivered: %lu by the owner, "
		       "%lu by thieves) ",
		       (unsigned long)atomic_load(&s->dups),
		       (unsigned long)atomic_load(&s->disorder),
		       (unsigned long)atomic_load(&s->delivered), (unsigned long)total(s),
		       (unsigned long)atomic_load(&s->owner_got),
		       (unsigned long)atomic_load(&s->thief_got));
	CU_ASSERT_EQUAL(atomic_load(&s->dups), 0);
	CU_ASSERT_EQUAL(atomic_load(&s->disorder), 0);
	CU_ASSERT_EQUAL(atomic_load(&s->delivered), total(s));
	CU_ASSERT_EQUAL(atomic_load(&s->owner_got) + atomic_load(&s->thief_got), total(s));
	for (uint64_t i = 0; i < total(s); i++)
		if (!atomic_load(&s->seen[i])) {
			CU_FAIL("an item was never delivered");
			break;
		}
	CU_ASSERT_EQUAL(rt_dq_depth(&s->q, RT_DQ_PRIO), 0);
	CU_ASSERT_EQUAL(rt_dq_depth(&s->q, RT_DQ_ECON), 0);
	rt_dq_destroy(&s->q);
	free(s);
}

static void test_stress_one_thief(void)
{
	run_stress(1, 0, 1, 64, 0, 0);
}

static void test_stress_three_thieves_small_ring(void)
{
	run_stress(1, 0, 3, 8, 4, 0); /* wraps often, full often */
}

static void test_stress_two_producers_two_thieves(void)
{
	run_stress(2, 1, 2, 32, 0, 0);
}

static void test_stress_batch1(void)
{
	run_stress(1, 0, 2, 16, 1, 0);
}

static void test_stress_busy_owner(void)
{
	run_stress(1, 0, 3, 256, 0, 2000); /* thieves take most, racing each other */
}

/* ---- Parking ------------------------------------------------------------------- */

struct parker {
	struct rt_dq q;
	_Atomic pid_t tid;
	_Atomic int parks, stop;
	_Atomic uint64_t got;
	uint64_t want;
};

/* Pops `want` items, parking (no timeout) whenever it finds none. */
static void *parker_thread(void *arg)
{
	struct parker *pk = arg;

	atomic_store(&pk->tid, gettid());
	while (atomic_load(&pk->got) < pk->want) {
		void *x = rt_dq_pop(&pk->q, NULL);
		uint32_t key;

		if (x) {
			atomic_fetch_add(&pk->got, 1);
			continue;
		}
		key = rt_park_prepare(&pk->q.park);
		x = rt_dq_pop(&pk->q, NULL);
		if (x) {
			rt_park_cancel(&pk->q.park);
			atomic_fetch_add(&pk->got, 1);
			continue;
		}
		atomic_fetch_add(&pk->parks, 1);
		rt_park_wait(&pk->q.park, key, NULL);
	}
	return NULL;
}

/* 1 when thread tid of this process is asleep (state S in /proc). */
static int thread_sleeping(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

static int wait_until(int (*cond)(void *), void *arg)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!cond(arg)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 20)
			return -1;
		sched_yield();
	}
	return 0;
}

static int parked(void *arg)
{
	struct parker *pk = arg;

	return atomic_load(&pk->q.park.waiters) == 1 && atomic_load(&pk->tid) &&
	       thread_sleeping(atomic_load(&pk->tid));
}

static void test_parked_consumer_wakes_on_push(void)
{
	struct parker pk = { .want = 1 };
	pthread_t th;

	CU_ASSERT_FATAL(rt_dq_init(&pk.q, 8, 0) == 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, parker_thread, &pk) == 0);
	/* The oracle: it announced itself and the kernel has it asleep. */
	CU_ASSERT_EQUAL(wait_until(parked, &pk), 0);
	CU_ASSERT_EQUAL(atomic_load(&pk.got), 0);
	CU_ASSERT_EQUAL(rt_dq_push(&pk.q, item(1), RT_DQ_ECON), 0);
	pthread_join(th, NULL); /* hangs here if the wake-up were lost */
	CU_ASSERT_EQUAL(atomic_load(&pk.got), 1);
	CU_ASSERT_EQUAL(atomic_load(&pk.q.park.waiters), 0);
	rt_dq_destroy(&pk.q);
}

/* Many park/notify races: a producer pushing items one by one while the
 * consumer parks whenever it runs dry. A lost wake-up hangs the join. */
static void test_no_lost_wakeups(void)
{
	struct parker pk = { .want = 20000 };
	pthread_t th;

	CU_ASSERT_FATAL(rt_dq_init(&pk.q, 4, 0) == 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, parker_thread, &pk) == 0);
	for (uint64_t i = 0; i < pk.want; i++) {
		while (rt_dq_push(&pk.q, item(i), i & 1 ? RT_DQ_PRIO : RT_DQ_ECON) == -EBUSY)
			sched_yield();
		if (i % 64 == 0)
			sched_yield(); /* let the consumer run dry and park now and then */
	}
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(atomic_load(&pk.got), pk.want);
	rt_dq_destroy(&pk.q);
}

static void test_park_timeout_notify_alone(void)
{
	struct rt_park p;
	struct timespec rel = { 0, 1000000 };
	uint32_t key;

	rt_park_init(&p);
	rt_park_notify(&p); /* nobody waiting: nothing happens */
	CU_ASSERT_EQUAL(atomic_load(&p.epoch), 0);
	key = rt_park_prepare(&p);
	CU_ASSERT_EQUAL(rt_park_wait(&p, key, &rel), -ETIMEDOUT);
	CU_ASSERT_EQUAL(atomic_load(&p.waiters), 0);
	/* A notify between prepare and wait: the wait returns at once. */
	key = rt_park_prepare(&p);
	rt_park_notify(&p);
	CU_ASSERT_EQUAL(rt_park_wait(&p, key, NULL), 0);
	CU_ASSERT_EQUAL(atomic_load(&p.waiters), 0);
}

TL_SUITE(u_dq, NULL, NULL,
	 { "priority first, FIFO within a class", test_priority_first_fifo_within },
	 { "each class is bounded: -EBUSY when full", test_bounded_per_class },
	 { "owner window, steal, release", test_window_steal_release },
	 { "producer, owner, 1 thief: each item exactly once", test_stress_one_thief },
	 { "producer, owner, 3 thieves, ring of 8", test_stress_three_thieves_small_ring },
	 { "2 producers (mp), owner, 2 thieves", test_stress_two_producers_two_thieves },
	 { "batch 1: producer, owner, 2 thieves", test_stress_batch1 },
	 { "busy owner, 3 thieves racing for its queue", test_stress_busy_owner },
	 { "a parked consumer wakes on push", test_parked_consumer_wakes_on_push },
	 { "no lost wake-ups over 20000 park/notify races", test_no_lost_wakeups },
	 { "park: timeout, notify with nobody waiting", test_park_timeout_notify_alone })

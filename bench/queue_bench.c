/* SPDX-License-Identifier: MIT */
/*
 * Run-queue bench (bench/queue.sh drives it and takes the medians): the
 * container's lock-free rings (runtime/container/dq.h) against Concurrency
 * Kit's ck_ring and a mutex + condition variable ring, all of 1024 slots.
 *
 *   queue_bench pair IMPL N    same thread (pinned to CPU 0): N times push
 *                              one item, pop one; prints "ns X" per push+pop
 *                              pair, the median over chunks of 100000 pairs
 *   queue_bench xcore IMPL N   producer pinned to CPU 0 pushes N items, the
 *                              consumer pinned to CPU 1 pops them (both spin
 *                              on full / empty, except where IMPL says);
 *                              prints "mops X" (million items per second),
 *                              the median over chunks of 16384 items
 *
 *   queue_bench wake IMPL N    N times: the consumer (CPU 1) sleeps on
 *                              the empty queue (rt_park for dq, the condition
 *                              variable for mutex), the producer (CPU 0) pushes
 *                              one item; prints "us_p50 X us_p99 Y", push to
 *                              consumer holding the item
 *
 * Medians over chunks, because on a shared 2-CPU machine another process
 * takes our CPU now and then; a chunk it hit is an outlier, not the figure.
 *
 * IMPL:
 *   ring        rt_ring_push + rt_ring_pop (the owner), default batch
 *   ring-b1     the same with batch 1: a CAS per pop, every item stealable
 *   ring-thief  rt_ring, and a thief thread calling rt_ring_steal in a loop:
 *               for pair, the thief runs on CPU 1 beside the pushing and
 *               popping thread on CPU 0; for xcore it shares CPU 1 with the
 *               owner (two CPUs here) and what it steals counts as delivered
 *   dq          rt_dq_push (economy; includes rt_park_notify) + rt_dq_pop
 *               (looks at priority first)
 *   dq-park     xcore only: rt_dq, and the consumer parks on rt_park when
 *               empty instead of spinning (what a worker does)
 *   ck-spsc     ck_ring_enqueue_spsc / ck_ring_dequeue_spsc
 *   ck-mpmc     ck_ring_enqueue_mpmc / ck_ring_dequeue_mpmc
 *   mutex       one pthread mutex, condition variables "not empty" and "not
 *               full"; for xcore the consumer waits on "not empty" and the
 *               producer on "not full"
 *
 * Exit status 0, or 1 with a message on stderr (also when an item arrived
 * twice, out of order or not at all).
 */
#include <ck_ring.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_util.h"
#include "common/clock.h"
#include "runtime/container/dq.h"

#define CAP         1024
#define PAIR_CHUNK  100000 /* pairs per timed chunk */
#define XCORE_CHUNK 16384  /* items per timed chunk */

enum impl { I_RING, I_RING_B1, I_RING_THIEF, I_DQ, I_DQ_PARK, I_CK_SPSC, I_CK_MPMC, I_MUTEX };

static const char *const impl_names[] = { "ring",	"ring-b1", "ring-thief", "dq",
					  "dq-park",	"ck-spsc", "ck-mpmc",	 "mutex" };

/* A mutex + condition variable bounded ring: the anchor a first version
 * of any queue would be. */
struct mq {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void *slot[CAP];
	size_t head, tail;
	_Atomic int sleepers; /* consumers inside pthread_cond_wait (for wake) */
};

static void mq_init(struct mq *m)
{
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->not_empty, NULL);
	pthread_cond_init(&m->not_full, NULL);
	m->head = m->tail = 0;
}

static void mq_destroy(struct mq *m)
{
	pthread_cond_destroy(&m->not_full);
	pthread_cond_destroy(&m->not_empty);
	pthread_mutex_destroy(&m->mu);
}

/* Blocking when wait is set, else 0 when full. */
static int mq_push(struct mq *m, void *x, int wait)
{
	pthread_mutex_lock(&m->mu);
	while (m->tail - m->head == CAP) {
		if (!wait) {
			pthread_mutex_unlock(&m->mu);
			return 0;
		}
		pthread_cond_wait(&m->not_full, &m->mu);
	}
	m->slot[m->tail++ % CAP] = x;
	pthread_cond_signal(&m->not_empty);
	pthread_mutex_unlock(&m->mu);
	return 1;
}

static void *mq_pop(struct mq *m, int wait)
{
	void *x = NULL;

	pthread_mutex_lock(&m->mu);
	while (m->tail == m->head) {
		if (!wait)
			goto out;
		atomic_fetch_add(&m->sleepers, 1);
		pthread_cond_wait(&m->not_empty, &m->mu);
		atomic_fetch_sub(&m->sleepers, 1);
	}
	x = m->slot[m->head++ % CAP];
	pthread_cond_signal(&m->not_full);
out:
	pthread_mutex_unlock(&m->mu);
	return x;
}

struct bench {
	enum impl impl;
	uint64_t n;
	struct rt_ring ring;
	struct rt_dq dq;
	struct ck_ring ck;
	struct ck_ring_buffer *ckbuf;
	struct mq mq;
	_Atomic int go, stop;
	_Atomic uint64_t thief_got; /* items the thief took */
	char pad[64];
	_Atomic uint64_t owner_got; /* items the consumer took, published when it idles */
	uint64_t bad;               /* consumer: items out of order or unknown */
	_Atomic uint64_t t_push;    /* wake: when the producer pushed */
	uint64_t *lat;              /* wake: n latencies */
};

/* The owner's pop, parking on the dual queue's eventcount when it is empty
 * (dq.h's protocol: prepare, re-check, wait). NULL after a wake-up: try again. */
static void *dq_pop_or_park(struct rt_dq *q)
{
	void *x = rt_dq_pop(q, NULL);
	uint32_t key;

	if (x)
		return x;
	key = rt_park_prepare(&q->park);
	x = rt_dq_pop(q, NULL);
	if (x)
		rt_park_cancel(&q->park);
	else
		rt_park_wait(&q->park, key, NULL);
	return x;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		fprintf(stderr, "queue_bench: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		return -1;
	}
	return 0;
}

/* Items are the numbers 1..n as pointers: never NULL, and checkable. */
static inline void *item_of(uint64_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static inline int push(struct bench *b, void *x)
{
	switch (b->impl) {
	case I_RING:
	case I_RING_B1:
	case I_RING_THIEF:
		return rt_ring_push(&b->ring, x) == 0;
	case I_DQ:
	case I_DQ_PARK:
		return rt_dq_push(&b->dq, x, RT_DQ_ECON) == 0;
	case I_CK_SPSC:
		return ck_ring_enqueue_spsc(&b->ck, b->ckbuf, x);
	case I_CK_MPMC:
		return ck_ring_enqueue_mpmc(&b->ck, b->ckbuf, x);
	case I_MUTEX:
		return mq_push(&b->mq, x, 0);
	}
	return 0;
}

static inline void *pop(struct bench *b)
{
	void *x = NULL;

	switch (b->impl) {
	case I_RING:
	case I_RING_B1:
	case I_RING_THIEF:
		return rt_ring_pop(&b->ring);
	case I_DQ:
	case I_DQ_PARK:
		return rt_dq_pop(&b->dq, NULL);
	case I_CK_SPSC:
		return ck_ring_dequeue_spsc(&b->ck, b->ckbuf, &x) ? x : NULL;
	case I_CK_MPMC:
		return ck_ring_dequeue_mpmc(&b->ck, b->ckbuf, &x) ? x : NULL;
	case I_MUTEX:
		return mq_pop(&b->mq, 0);
	}
	return NULL;
}

static void *thief(void *arg)
{
	struct bench *b = arg;
	uint64_t got = 0;

	if (pin(1) < 0)
		return NULL;
	atomic_store(&b->go, 1);
	while (!atomic_load_explicit(&b->stop, memory_order_relaxed)) {
		if (rt_ring_steal(&b->ring)) {
			got++;
			atomic_store_explicit(&b->thief_got, got, memory_order_relaxed);
		}
	}
	return NULL;
}

static int start_thief(struct bench *b, pthread_t *th)
{
	if (pthread_create(th, NULL, thief, b)) {
		fprintf(stderr, "queue_bench: cannot start the thief thread\n");
		return -1;
	}
	while (!atomic_load(&b->go))
		;
	return 0;
}

/*
 * One chunk of PAIR_CHUNK push+pop pairs on one queue, written out per queue
 * so that each is timed with its operations inlined as far as its header
 * allows and no dispatch in between. Returns the pushes that failed (only a
 * thief holding a slot between its CAS and its release can cause one).
 */
#define PAIR_FN(name, PUSH, POP)                                                           \
	static uint64_t name(struct bench *b, uint64_t i, uint64_t *sum)                    \
	{                                                                                  \
		uint64_t fail = 0, s = 0;                                                  \
                                                                                           \
		for (uint64_t end = i + PAIR_CHUNK; i < end; i++) {                        \
			void *x = item_of(i);                                              \
                                                                                           \
			if (!(PUSH))                                                       \
				fail++;                                                    \
			s += (uintptr_t)(POP);                                             \
		}                                                                          \
		*sum += s;                                                                 \
		return fail;                                                               \
	}

PAIR_FN(pair_ring, rt_ring_push(&b->ring, x) == 0, rt_ring_pop(&b->ring))
PAIR_FN(pair_dq, rt_dq_push(&b->dq, x, RT_DQ_ECON) == 0, rt_dq_pop(&b->dq, NULL))
PAIR_FN(pair_ck_spsc, ck_ring_enqueue_spsc(&b->ck, b->ckbuf, x),
	({ void *y = NULL; ck_ring_dequeue_spsc(&b->ck, b->ckbuf, &y); y; }))
PAIR_FN(pair_ck_mpmc, ck_ring_enqueue_mpmc(&b->ck, b->ckbuf, x),
	({ void *y = NULL; ck_ring_dequeue_mpmc(&b->ck, b->ckbuf, &y); y; }))
PAIR_FN(pair_mutex, mq_push(&b->mq, x, 0), mq_pop(&b->mq, 0))

static uint64_t (*const pair_fns[])(struct bench *, uint64_t, uint64_t *) = {
	[I_RING] = pair_ring,	    [I_RING_B1] = pair_ring,	 [I_RING_THIEF] = pair_ring,
	[I_DQ] = pair_dq,	    [I_CK_SPSC] = pair_ck_spsc, [I_CK_MPMC] = pair_ck_mpmc,
	[I_MUTEX] = pair_mutex,
};

/* Same thread: push one, pop one, n times, timed in chunks of PAIR_CHUNK pairs;
 * the figure is the median chunk, so that a chunk in which another process
 * had our CPU does not count. */
static int run_pair(struct bench *b)
{
	uint64_t nchunk = b->n / PAIR_CHUNK, sum = 0, fail = 0, n;
	uint64_t *ns = calloc(nchunk + 1, sizeof(*ns));
	int thief_on = b->impl == I_RING_THIEF, rc = -1;
	pthread_t th;

	if (!ns || !nchunk || pin(0) < 0 || (thief_on && start_thief(b, &th) < 0))
		goto out;
	for (uint64_t c = 0; c <= nchunk; c++) { /* chunk 0: warm-up, not counted */
		uint64_t t0 = clock_now_ns();

		fail += pair_fns[b->impl](b, c * PAIR_CHUNK, &sum);
		ns[c] = clock_now_ns() - t0;
	}
	/* A thief may have taken some: only a run without one must add up. */
	n = (nchunk + 1) * PAIR_CHUNK;
	if (!thief_on && (fail || sum != n * (n + 1) / 2)) {
		fprintf(stderr, "queue_bench: %s: items lost or changed\n", impl_names[b->impl]);
		goto out;
	}
	qsort(ns + 1, nchunk, sizeof(*ns), bench_cmp_u64);
	printf("ns %.2f\n", bench_quantile(ns + 1, nchunk, 0.5) / PAIR_CHUNK);
	rc = 0;
out:
	if (thief_on && atomic_load(&b->go)) {
		atomic_store(&b->stop, 1);
		pthread_join(th, NULL);
	}
	free(ns);
	return rc;
}

static void *producer(void *arg)
{
	struct bench *b = arg;

	if (pin(0) < 0) {
		atomic_store(&b->stop, 1);
		return NULL;
	}
	while (!atomic_load(&b->go))
		;
	for (uint64_t i = 0; i < b->n; i++) {
		void *x = item_of(i);

		if (b->impl == I_MUTEX) {
			mq_push(&b->mq, x, 1);
			continue;
		}
		while (!push(b, x))
			;
	}
	return NULL;
}

/* Consumer (CPU 1): pops until it and the thief have n items, noting the time
 * at every XCORE_CHUNK items. Items from one producer arrive in order to each
 * consumer. */
static void consume(struct bench *b, uint64_t *ts)
{
	uint64_t got = 0, last = 0, total = 0, next = XCORE_CHUNK, k = 1;
	int steal_on = b->impl == I_RING_THIEF;

	ts[0] = clock_now_ns();
	while (total < b->n) {
		void *x;

		if (b->impl == I_MUTEX) {
			x = mq_pop(&b->mq, 1);
		} else if (b->impl == I_DQ_PARK) {
			x = dq_pop_or_park(&b->dq);
		} else {
			x = pop(b);
		}
		if (x) {
			if ((uintptr_t)x <= last || (uintptr_t)x > b->n)
				b->bad++;
			last = (uintptr_t)x;
			got++;
		}
		total = got;
		if (steal_on)
			total += atomic_load_explicit(&b->thief_got, memory_order_relaxed);
		if (total >= next) {
			ts[k++] = clock_now_ns();
			next += XCORE_CHUNK;
		}
	}
	atomic_store(&b->owner_got, got);
}

static int run_xcore(struct bench *b)
{
	uint64_t nchunk = b->n / XCORE_CHUNK, *ts = calloc(nchunk + 1, sizeof(*ts));
	int thief_on = b->impl == I_RING_THIEF, rc = -1;
	pthread_t tp, tt;

	if (!ts || nchunk < 2) {
		fprintf(stderr, "queue_bench: xcore wants N >= %d\n", 2 * XCORE_CHUNK);
		free(ts);
		return -1;
	}
	if (pthread_create(&tp, NULL, producer, b)) {
		fprintf(stderr, "queue_bench: cannot start the producer thread\n");
		free(ts);
		return -1;
	}
	if (pin(1) < 0 || (thief_on && start_thief(b, &tt) < 0)) {
		b->n = 0;
		atomic_store(&b->go, 1);
		pthread_join(tp, NULL);
		free(ts);
		return -1;
	}
	atomic_store(&b->go, 1);
	consume(b, ts);
	pthread_join(tp, NULL);
	if (thief_on) {
		atomic_store(&b->stop, 1);
		pthread_join(tt, NULL);
	}
	if (b->bad || atomic_load(&b->owner_got) + atomic_load(&b->thief_got) != b->n) {
		fprintf(stderr, "queue_bench: %s: %llu items out of order or unknown\n",
			impl_names[b->impl], (unsigned long long)b->bad);
		goto out;
	}
	/* Chunk 1 (the start) is left out: it includes the threads' start. */
	for (uint64_t c = 1; c < nchunk; c++)
		ts[c] = ts[c + 1] - ts[c];
	qsort(ts + 1, nchunk - 1, sizeof(*ts), bench_cmp_u64);
	printf("mops %.2f\n", XCORE_CHUNK * 1e3 / bench_quantile(ts + 1, nchunk - 1, 0.5));
	rc = 0;
out:
	free(ts);
	return rc;
}

/* ---- Wake-up latency: a consumer asleep on an empty queue, one push ------------ */

#define WAKE_SETTLE_NS 50000 /* after the consumer announced itself: let it fall asleep */

static int consumer_asleep(struct bench *b)
{
	if (b->impl == I_MUTEX)
		return atomic_load(&b->mq.sleepers) == 1;
	return atomic_load(&b->dq.park.waiters) == 1;
}

static void *wake_consumer(void *arg)
{
	struct bench *b = arg;
	uint64_t *lat = b->lat;

	if (pin(1) < 0) {
		atomic_store(&b->stop, 1);
		return NULL;
	}
	for (uint64_t i = 0; i < b->n; i++) {
		void *x = NULL;

		while (!x) {
			if (b->impl == I_MUTEX) {
				x = mq_pop(&b->mq, 1);
			} else {
				x = dq_pop_or_park(&b->dq);
			}
		}
		lat[i] = clock_now_ns() - atomic_load(&b->t_push);
	}
	return NULL;
}

/* n times: wait until the consumer (CPU 1) sleeps on the empty queue, push one
 * item from CPU 0 and time until the consumer has it. */
static int run_wake(struct bench *b)
{
	pthread_t th;
	int rc = -1;

	if (b->impl != I_DQ && b->impl != I_MUTEX) {
		fprintf(stderr, "queue_bench: wake wants dq or mutex\n");
		return -1;
	}
	b->lat = calloc(b->n, sizeof(*b->lat));
	if (!b->lat || pin(0) < 0 || pthread_create(&th, NULL, wake_consumer, b)) {
		fprintf(stderr, "queue_bench: cannot start the consumer thread\n");
		free(b->lat);
		return -1;
	}
	for (uint64_t i = 0; i < b->n && !atomic_load(&b->stop); i++) {
		uint64_t t;

		while (!consumer_asleep(b) && !atomic_load(&b->stop))
			;
		for (t = clock_now_ns(); clock_now_ns() - t < WAKE_SETTLE_NS;)
			;
		atomic_store(&b->t_push, clock_now_ns());
		if (b->impl == I_MUTEX)
			mq_push(&b->mq, item_of(i), 1);
		else
			rt_dq_push(&b->dq, item_of(i), RT_DQ_ECON);
	}
	pthread_join(th, NULL);
	if (!atomic_load(&b->stop)) {
		qsort(b->lat, b->n, sizeof(*b->lat), bench_cmp_u64);
		printf("us_p50 %.1f us_p99 %.1f\n", bench_quantile(b->lat, b->n, 0.5) / 1e3,
		       bench_quantile(b->lat, b->n, 0.99) / 1e3);
		rc = 0;
	}
	free(b->lat);
	return rc;
}

int main(int argc, char **argv)
{
	static const char usage[] = "usage: queue_bench pair|xcore|wake IMPL N\n"
				    "IMPL: ring ring-b1 ring-thief dq dq-park ck-spsc ck-mpmc\n"
				    "      mutex\n";
	struct bench *b;
	char *end;
	int rc = -1, impl = -1;

	if (argc != 4) {
		fputs(usage, stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(impl_names) / sizeof(impl_names[0]); i++)
		if (!strcmp(argv[2], impl_names[i]))
			impl = (int)i;
	b = calloc(1, sizeof(*b));
	if (!b) {
		perror("queue_bench");
		return 1;
	}
	b->n = strtoull(argv[3], &end, 0);
	if (impl < 0 || *end || !b->n || b->n > (1ull << 40) ||
	    (strcmp(argv[1], "pair") && strcmp(argv[1], "xcore") && strcmp(argv[1], "wake")) ||
	    (impl == I_DQ_PARK && strcmp(argv[1], "xcore"))) {
		fputs(usage, stderr);
		free(b);
		return 2;
	}
	b->impl = (enum impl)impl;
	b->ckbuf = aligned_alloc(64, CAP * sizeof(*b->ckbuf));
	if (!b->ckbuf || rt_ring_init(&b->ring, CAP, impl == I_RING_B1 ? 1 : 0) < 0 ||
	    rt_dq_init(&b->dq, CAP, 0) < 0) {
		fprintf(stderr, "queue_bench: out of memory\n");
		goto out;
	}
	ck_ring_init(&b->ck, CAP);
	mq_init(&b->mq);
	if (!strcmp(argv[1], "pair"))
		rc = run_pair(b);
	else if (!strcmp(argv[1], "xcore"))
		rc = run_xcore(b);
	else
		rc = run_wake(b);
	mq_destroy(&b->mq);
out:
	rt_dq_destroy(&b->dq);
	rt_ring_destroy(&b->ring);
	free(b->ckbuf);
	free(b);
	return rc < 0;
}

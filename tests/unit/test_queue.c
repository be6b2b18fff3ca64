/* SPDX-License-Identifier: MIT */
/* Description: the container's priority/economy run queues. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sched.h>
#include <unistd.h>

#include "runtime/container/queue.h"
#include "tests/tl_test.h"

static void test_priority_first_fifo_within(void)
{
	struct rt_queue q;
	enum rt_qclass cls;
	int items[6];

	CU_ASSERT_FATAL(rt_queue_init(&q, 8) == 0);
	/* e0 e1 p2 e3 p4 p5 pushed; popped p2 p4 p5 e0 e1 e3. */
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[0], RT_Q_ECON, 0), 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[1], RT_Q_ECON, 1), 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[2], RT_Q_PRIO, 2), 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[3], RT_Q_ECON, 3), 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[4], RT_Q_PRIO, 4), 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[5], RT_Q_PRIO, 5), 0);
	CU_ASSERT_EQUAL(rt_queue_depth(&q, RT_Q_PRIO), 3);
	CU_ASSERT_EQUAL(rt_queue_depth(&q, RT_Q_ECON), 3);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[2]);
	CU_ASSERT_EQUAL(cls, RT_Q_PRIO);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[4]);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[5]);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[0]);
	CU_ASSERT_EQUAL(cls, RT_Q_ECON);
	/* A priority item arriving now still overtakes the waiting economy ones. */
	CU_ASSERT_EQUAL(rt_queue_push(&q, &items[2], RT_Q_PRIO, 2), 0);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[2]);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[1]);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &items[3]);
	rt_queue_destroy(&q);
}

static void test_bounded_per_class(void)
{
	struct rt_queue q;
	int x;

	CU_ASSERT_FATAL(rt_queue_init(&q, 3) == 0); /* rounds up to 4 */
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(rt_queue_push(&q, &x, RT_Q_ECON, (uint64_t)i), 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &x, RT_Q_ECON, 9), -EBUSY);
	/* The other class has its own bound. */
	CU_ASSERT_EQUAL(rt_queue_push(&q, &x, RT_Q_PRIO, 9), 0);
	rt_queue_destroy(&q);
}

static void *popper(void *arg)
{
	enum rt_qclass cls;

	return rt_queue_pop(arg, 1, &cls);
}

static void test_close_wakes_and_drains(void)
{
	struct rt_queue q;
	enum rt_qclass cls;
	pthread_t th;
	void *got = &got;
	int x;

	CU_ASSERT_FATAL(rt_queue_init(&q, 4) == 0);
	CU_ASSERT_FATAL(pthread_create(&th, NULL, popper, &q) == 0);
	usleep(20000); /* let it block */
	rt_queue_close(&q);
	pthread_join(th, &got);
	CU_ASSERT_PTR_NULL(got);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &x, RT_Q_ECON, 1), -ESHUTDOWN);
	rt_queue_destroy(&q);

	/* Items queued before the close are still handed out, then NULL. */
	CU_ASSERT_FATAL(rt_queue_init(&q, 4) == 0);
	CU_ASSERT_EQUAL(rt_queue_push(&q, &x, RT_Q_ECON, 1), 0);
	rt_queue_close(&q);
	CU_ASSERT_PTR_EQUAL(rt_queue_pop(&q, 0, &cls), &x);
	CU_ASSERT_PTR_NULL(rt_queue_pop(&q, 0, &cls));
	rt_queue_destroy(&q);
}

struct prod {
	struct rt_queue *q;
	int base;
};

static void *producer(void *arg)
{
	struct prod *p = arg;

	for (int i = 0; i < 10000; i++)
		while (rt_queue_push(p->q, (void *)(intptr_t)(p->base + i + 1), RT_Q_ECON,
				     (uint64_t)i) == -EBUSY)
			sched_yield();
	return NULL;
}

static void test_two_producers_nothing_lost(void)
{
	static char seen[20001];
	struct rt_queue q;
	struct prod a = { &q, 0 }, b = { &q, 10000 };
	enum rt_qclass cls;
	pthread_t ta, tb;
	int dup = 0, got = 0;

	CU_ASSERT_FATAL(rt_queue_init(&q, 64) == 0);
	pthread_create(&ta, NULL, producer, &a);
	pthread_create(&tb, NULL, producer, &b);
	while (got < 20000) {
		intptr_t v = (intptr_t)rt_queue_pop(&q, 0, &cls);

		if (v < 1 || v > 20000 || seen[v])
			dup++;
		else
			seen[v] = 1;
		got++;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(rt_queue_depth(&q, RT_Q_ECON), 0);
	rt_queue_destroy(&q);
}

TL_SUITE(u_queue, NULL, NULL,
	 { "priority first, FIFO within a class", test_priority_first_fifo_within },
	 { "each class is bounded: -EBUSY when full", test_bounded_per_class },
	 { "close wakes waiters, drains, then refuses", test_close_wakes_and_drains },
	 { "two producers, one consumer: nothing lost or doubled", test_two_producers_nothing_lost })

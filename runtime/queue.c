/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/queue.h"
#include "runtime/container/probes.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int rt_queue_init(struct rt_queue *q, size_t cap)
{
	size_t c = 1;

	while (c < cap)
		c <<= 1;
	*q = (struct rt_queue){ 0 };
	for (int k = 0; k < 2; k++) {
		q->q[k].cap = c;
		q->q[k].items = calloc(c, sizeof(struct rt_item));
		if (!q->q[k].items) {
			free(q->q[0].items);
			return -ENOMEM;
		}
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	return 0;
}

void rt_queue_destroy(struct rt_queue *q)
{
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->q[0].items);
	free(q->q[1].items);
}

int rt_queue_push(struct rt_queue *q, void *item, enum rt_qclass cls, uint64_t id)
{
	struct rt_ring *r = &q->q[cls];
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	if (q->closed) {
		rc = -ESHUTDOWN;
	} else if (r->tail - r->head == r->cap) {
		rc = -EBUSY;
	} else {
		r->items[r->tail++ & (r->cap - 1)] =
			(struct rt_item){ item, id, RT_PROBE_ENABLED(dequeue) ? now_ns() : 0 };
		/* One queue pair shared by every worker: reported as worker 0's. */
		RT_PROBE_ENQUEUE(0, cls, r->tail - r->head, id);
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void *rt_queue_pop(struct rt_queue *q, unsigned core, enum rt_qclass *cls)
{
	void *item = NULL;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		for (int k = RT_Q_PRIO; k <= RT_Q_ECON; k++) {
			struct rt_ring *r = &q->q[k];

			if (r->tail == r->head)
				continue;
			struct rt_item *it = &r->items[r->head++ & (r->cap - 1)];

			item = it->item;
			*cls = (enum rt_qclass)k;
			RT_PROBE_DEQUEUE(0, k, r->tail - r->head, it->id,
					 it->t_ns ? now_ns() - it->t_ns : 0);
			goto out;
		}
		if (q->closed)
			goto out;
		pthread_cond_wait(&q->cv, &q->mu);
	}
out:
	pthread_mutex_unlock(&q->mu);
	return item;
}

void rt_queue_close(struct rt_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

size_t rt_queue_depth(struct rt_queue *q, enum rt_qclass cls)
{
	size_t d;

	pthread_mutex_lock(&q->mu);
	d = q->q[cls].tail - q->q[cls].head;
	pthread_mutex_unlock(&q->mu);
	return d;
}


/* SPDX-License-Identifier: MIT */
/*
 * The container's two run queues: priority and economy, bounded FIFOs, as in
 * the Tasklet trading paper: a worker takes priority work first and economy
 * work only when the priority queue is empty.
 *
 * This first version is one mutex-protected pair shared by all workers; the
 * interface (push / pop / close / depth) is what the per-core lock-free dual
 * queues will implement, so callers do not change when they arrive.
 * Every push and pop passes a USDT probe site (tasklet:enqueue / tasklet:dequeue,
 * runtime/container/probes.h: worker 0, class, depth after the operation,
 * item id, and for dequeue the time spent queued), a no-op until a probe
 * attaches.
 */
#ifndef TL_RT_QUEUE_H
#define TL_RT_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum rt_qclass { RT_Q_PRIO = 0, RT_Q_ECON = 1 };

struct rt_item {
	void *item;
	uint64_t id;   /* for the probes */
	uint64_t t_ns; /* enqueue time, stamped only while tasklet:dequeue is attached */
};

struct rt_ring {
	struct rt_item *items;
	size_t head, tail, cap; /* tail - head = depth; cap a power of two */
};

struct rt_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rt_ring q[2];
	int closed;
};

/* Bound: at most cap items per class (rounded up to a power of two). 0 or -ENOMEM. */
int rt_queue_init(struct rt_queue *q, size_t cap);
void rt_queue_destroy(struct rt_queue *q);
/* 0, -EBUSY when that class is full, -ESHUTDOWN after close. id is for the probes. */
int rt_queue_push(struct rt_queue *q, void *item, enum rt_qclass cls, uint64_t id);
/* Block until an item is there (priority first) or the queue is closed (NULL).
 * *cls receives the class; core is for the probes. */
void *rt_queue_pop(struct rt_queue *q, unsigned core, enum rt_qclass *cls);
/* Wake every waiter; pops then return what is left, then NULL. */
void rt_queue_close(struct rt_queue *q);
size_t rt_queue_depth(struct rt_queue *q, enum rt_qclass cls);

#endif

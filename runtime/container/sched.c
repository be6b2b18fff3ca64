/* SPDX-License-Identifier: MIT */
/*
 * Scheduling inside a container.
 *
 * Placement (I/O thread): a ready Tasklet goes to the worker where it would
 * start soonest: the fewest Tasklets ahead of it, counting the one running
 * (priority: running + queued priority; economy: running + both queues), ties
 * broken round-robin. An idle worker has nothing ahead, so it is always
 * chosen over a busy one, and its push wakes it.
 *
 * What a worker takes next (rt_sched_next): its own priority queue, then
 * any other worker's priority queue, then its own economy queue, then any
 * other's (the paper's strict priority, §V-A.3, across the container), FIFO
 * within a class; with --economy-share P, economy goes first whenever
 * economy has had less than P% of the starts taken while it had work
 * waiting. A priority Tasklet placed behind a worker's long run starts on
 * the first worker that frees up (bench/README.md measures the difference),
 * or sooner: a worker running an economy Tasklet looks between every two
 * fuel slices (about a millisecond) for priority work, and runs it first,
 * the economy run paused in its VM (rt_sched_preempt, worker.c).
 *
 * Queues are rt_dq rings with batch 1: every queued item can be stolen at
 * any time (also by the I/O thread when the container drains).
 */
#include <errno.h>
#include <stdlib.h>

#include "common/clock.h"
#include "runtime/container/container_int.h"

/* ---- The deadline heaps (min-heaps on deadline_ns, ties by arrival) ---- */

void rt_sched_init(struct rt_container *c)
{
	for (int k = 0; k < RT_DQ_NCLASS; k++)
		pthread_mutex_init(&c->edf[k].mu, NULL);
}

void rt_sched_fini(struct rt_container *c)
{
	for (int k = 0; k < RT_DQ_NCLASS; k++) {
		struct rt_edf *h = &c->edf[k];

		for (size_t i = 0; i < h->n; i++)
			if (atomic_load(&h->a[i]->handed_back))
				rt_job_free(h->a[i]);
		free(h->a);
		h->a = NULL;
		h->n = h->cap = 0;
		pthread_mutex_destroy(&h->mu);
	}
}

static int edf_less(const struct job *a, const struct job *b)
{
	if (a->deadline_ns != b->deadline_ns)
		return a->deadline_ns < b->deadline_ns;
	return a->t_ready_ns < b->t_ready_ns;
}

/* I/O thread. 0 or -ENOMEM. */
static int edf_push(struct rt_edf *h, struct job *j)
{
	size_t i;

	pthread_mutex_lock(&h->mu);
	if (h->n == h->cap) {
		size_t ncap = h->cap ? 2 * h->cap : 64;
		struct job **na = realloc(h->a, ncap * sizeof(*na));

		if (!na) {
			pthread_mutex_unlock(&h->mu);
			return -ENOMEM;
		}
		h->a = na;
		h->cap = ncap;
	}
	for (i = h->n++; i > 0 && edf_less(j, h->a[(i - 1) / 2]); i = (i - 1) / 2)
		h->a[i] = h->a[(i - 1) / 2];
	h->a[i] = j;
	atomic_store_explicit(&h->count, h->n, memory_order_release);
	pthread_mutex_unlock(&h->mu);
	return 0;
}

/* Any thread: the earliest deadline, or NULL. */
static struct job *edf_pop(struct rt_edf *h)
{
	struct job *top, *last;
	size_t i = 0;

	if (!atomic_load_explicit(&h->count, memory_order_acquire))
		return NULL;
	pthread_mutex_lock(&h->mu);
	if (!h->n) {
		pthread_mutex_unlock(&h->mu);
		return NULL;
	}
	top = h->a[0];
	last = h->a[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < h->n && edf_less(h->a[l], last))
			m = l;
		if (l + 1 < h->n && edf_less(h->a[l + 1], m == i ? last : h->a[m]))
			m = l + 1;
		if (m == i)
			break;
		h->a[i] = h->a[m];
		i = m;
	}
	if (h->n)
		h->a[i] = last;
	atomic_store_explicit(&h->count, h->n, memory_order_release);
	pthread_mutex_unlock(&h->mu);
	return top;
}

static unsigned load_of(const struct worker *w, enum rt_dq_class cls)
{
	unsigned l = atomic_load_explicit(&w->running, memory_order_relaxed) +
		     (unsigned)rt_dq_depth(&w->q, RT_DQ_PRIO);

	if (cls == RT_DQ_ECON)
		l += (unsigned)rt_dq_depth(&w->q, RT_DQ_ECON);
	return l;
}

/* A worker is busy and another sleeps: wake the sleeper, so it can steal. */
static void wake_a_thief(struct rt_container *c, const struct worker *busy)
{
	if (!atomic_load_explicit(&c->parked, memory_order_relaxed))
		return;
	for (unsigned i = 0; i < c->nworkers; i++) {
		struct worker *w = &c->w[(busy->idx + 1 + i) % c->nworkers];

		if (w != busy && atomic_load_explicit(&w->q.park.waiters, memory_order_relaxed)) {
			rt_park_notify(&w->q.park);
			return;
		}
	}
}

void rt_sched_place(struct rt_container *c, struct job *j)
{
	struct worker *best = NULL;
	unsigned best_load = 0;

	if (c->draining) {
		rt_trader_handback(c, j);
		return;
	}
	for (unsigned k = 0; k < c->nworkers; k++) {
		struct worker *w = &c->w[(c->place_rr + k) % c->nworkers];
		unsigned l;

		if (rt_dq_depth(&w->q, j->cls) >= rt_ring_cap(&w->q.q[j->cls]))
			continue;
		l = load_of(w, j->cls);
		if (!best || l < best_load) {
			best = w;
			best_load = l;
		}
	}
	c->place_rr++;
	if (!best) { /* cannot happen: admission keeps held <= room in the queues */
		rt_deliver_error(c, j, CXP_E_BUSY, "container %s: every %s queue is full",
				 c->cfg.name, j->cls == RT_DQ_PRIO ? "priority" : "economy");
		return;
	}
	j->worker = best->idx;
	j->t_ready_ns = clock_now_ns();
	atomic_store_explicit(&j->state, J_QUEUED, memory_order_relaxed);
	if (j->deadline_ns) {
		/* Earliest deadline first: the container's heap for the class, and
		 * the chosen worker woken to take (this or a more urgent) one. */
		if (edf_push(&c->edf[j->cls], j) < 0) {
			rt_deliver_error(c, j, CXP_E_INTERNAL, "container %s: out of memory",
					 c->cfg.name);
			return;
		}
		RT_PROBE_ENQUEUE(best->idx, j->cls, rt_sched_depth(c, j->cls), j->sig.tasklet_id);
		rt_park_notify(&best->q.park);
		if (atomic_load_explicit(&best->running, memory_order_relaxed))
			wake_a_thief(c, best);
		return;
	}
	/* rt_dq_push publishes j (release) and wakes the worker if it sleeps. */
	if (rt_dq_push(&best->q, j, j->cls) < 0) {
		rt_deliver_error(c, j, CXP_E_BUSY, "container %s: queue full", c->cfg.name);
		return;
	}
	RT_PROBE_ENQUEUE(best->idx, j->cls, rt_dq_depth(&best->q, j->cls), j->sig.tasklet_id);
	if (atomic_load_explicit(&best->running, memory_order_relaxed))
		wake_a_thief(c, best);
}

/*
 * Account for a dequeue from victim's queue: the probe, and the waiting time
 * into *wait_ns. The job itself is not written here: the I/O thread may be
 * answering it at this moment (its deadline passed); whoever wins its state
 * (worker.c, container.c) writes it.
 */
static struct job *took(struct worker *victim, struct job *j, enum rt_dq_class cls,
			uint64_t *wait_ns)
{
	*wait_ns = clock_now_ns() - j->t_ready_ns;
	RT_PROBE_DEQUEUE(victim->idx, cls, rt_dq_depth(&victim->q, cls), j->sig.tasklet_id,
			 *wait_ns);
	return j;
}

/* The class's most urgent deadline Tasklet (any worker's), else the worker's own FIFO. */
static struct job *pop_class(struct worker *w, enum rt_dq_class cls)
{
	struct job *j = edf_pop(&w->c->edf[cls]);

	if (j)
		return took(&w->c->w[j->worker], j, cls, &w->last_wait_ns);
	j = rt_ring_pop(&w->q.q[cls]);
	return j ? took(w, j, cls, &w->last_wait_ns) : NULL;
}

/* Keep --economy-share: debt > 0 means economy is owed starts. */
#define SHARE_DEBT_MAX 10000

static void share_account(struct worker *w, enum rt_dq_class cls, int econ_waiting)
{
	unsigned share = w->c->cfg.economy_share;

	if (!share)
		return;
	if (cls == RT_DQ_PRIO && econ_waiting)
		w->share_debt += share;
	else if (cls == RT_DQ_ECON)
		w->share_debt -= 100 - share;
	if (w->share_debt > SHARE_DEBT_MAX)
		w->share_debt = SHARE_DEBT_MAX;
	if (w->share_debt < -SHARE_DEBT_MAX)
		w->share_debt = -SHARE_DEBT_MAX;
}

/* Steal from another worker's queues of the classes in mask (RT_DQ_STEAL_*). */
static struct job *steal(struct worker *w, unsigned mask)
{
	struct rt_container *c = w->c;

	for (unsigned k = 1; k < c->nworkers; k++) {
		struct worker *v = &c->w[(w->idx + k) % c->nworkers];
		enum rt_dq_class cls;
		struct job *j;

		if (!((mask & RT_DQ_STEAL_PRIO) && rt_dq_depth(&v->q, RT_DQ_PRIO)) &&
		    !((mask & RT_DQ_STEAL_ECON) && rt_dq_depth(&v->q, RT_DQ_ECON)))
			continue;
		j = rt_dq_steal(&v->q, mask, &cls);
		if (j)
			return took(v, j, cls, &w->last_wait_ns);
	}
	return NULL;
}

/*
 * Priority is container-wide: a worker takes its own priority work, then
 * any other worker's (a priority Tasklet placed on a worker busy with a long
 * run starts on the first worker that frees up), and economy work only when
 * no priority Tasklet waits anywhere (or when --economy-share says economy is
 * owed a start); its own economy work before another's.
 */
struct job *rt_sched_next(struct worker *w)
{
	int econ_waiting = rt_dq_depth(&w->q, RT_DQ_ECON) != 0 ||
			   atomic_load_explicit(&w->c->edf[RT_DQ_ECON].count, memory_order_relaxed);
	int steal_prio = !w->c->cfg.no_steal_priority;
	struct job *j = NULL;

	if (w->c->cfg.economy_share && w->share_debt > 0 && econ_waiting)
		j = pop_class(w, RT_DQ_ECON);
	if (!j)
		j = pop_class(w, RT_DQ_PRIO);
	if (!j && steal_prio)
		j = steal(w, RT_DQ_STEAL_PRIO);
	if (!j)
		j = pop_class(w, RT_DQ_ECON);
	if (!j)
		j = steal(w, RT_DQ_STEAL_ECON);
	if (j)
		share_account(w, j->cls, econ_waiting);
	return j;
}

struct job *rt_sched_preempt(struct worker *w)
{
	struct rt_container *c = w->c;
	struct job *j;

	if (c->cfg.no_preempt || (c->cfg.economy_share && w->share_debt > 0))
		return NULL;
	/* Between every two slices: with nothing waiting, pop_class and steal
	 * read a few counters and return NULL. */
	j = pop_class(w, RT_DQ_PRIO);
	if (!j && !c->cfg.no_steal_priority)
		j = steal(w, RT_DQ_STEAL_PRIO);
	if (j)
		share_account(w, RT_DQ_PRIO, 1);
	return j;
}

unsigned rt_sched_take_all(struct rt_container *c, struct job **out, unsigned max)
{
	unsigned n = 0;

	for (int k = 0; k < RT_DQ_NCLASS; k++) {
		struct job *j;

		while (n < max && (j = edf_pop(&c->edf[k])))
			out[n++] = took(&c->w[j->worker], j, (enum rt_dq_class)k, &j->wait_ns);
	}

	for (unsigned i = 0; i < c->nworkers && n < max; i++) {
		struct worker *v = &c->w[i];
		enum rt_dq_class cls;
		struct job *j;

		while (n < max &&
		       (j = rt_dq_steal(&v->q, RT_DQ_STEAL_PRIO | RT_DQ_STEAL_ECON, &cls)))
			out[n++] = took(v, j, cls, &j->wait_ns); /* the I/O thread's own */
	}
	return n;
}

unsigned rt_sched_depth(const struct rt_container *c, enum rt_dq_class cls)
{
	unsigned d = (unsigned)atomic_load_explicit(&c->edf[cls].count, memory_order_relaxed);

	for (unsigned i = 0; i < c->nworkers; i++)
		d += (unsigned)rt_dq_depth(&c->w[i].q, cls);
	return d;
}

unsigned rt_sched_running(const struct rt_container *c)
{
	unsigned r = 0;

	for (unsigned i = 0; i < c->nworkers; i++)
		r += atomic_load_explicit(&c->w[i].running, memory_order_relaxed);
	return r;
}

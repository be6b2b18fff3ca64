/* SPDX-License-Identifier: MIT */
/*
 * The worker threads: one per CPU of the container's CPU list, each pinned
 * to its CPU and named "tl-w<N>" (so `ps -L` and tests can find them). A
 * worker takes its next Tasklet (sched.c), runs it in the VM and posts the
 * finished job to the I/O thread, which delivers the result. With nothing
 * to take it parks on its queue's futex eventcount (dq.h): no spinning, and
 * a push wakes it within microseconds.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "runtime/container/container_int.h"

/* I/O thread: a worker finished j. */
static void finished(void *arg)
{
	struct job *j = arg;

	if (atomic_load(&j->handed_back)) {
		/* The drain gave it back to the trader while it ran; it was
		 * released then, and its result must not reach anyone. */
		rt_job_free(j);
		return;
	}
	rt_deliver(j->c, j);
}

/* The wall clock, in the unit of the signature's start_ns (deadlines). */
static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Fuel per VM slice: between slices the worker checks the Tasklet's deadline
 * (about a millisecond of work at the speeds measured here). */
#define RT_SLICE_FUEL (1u << 17)

static void run_claimed(struct worker *w, struct job *j);

/*
 * Run j in slices of RT_SLICE_FUEL, stopping at a slice boundary once its
 * deadline has passed (status CXP_E_DEADLINE then). An economy run lets
 * waiting priority Tasklets run between two slices (strict priority: a
 * priority Tasklet waits about a slice, not for the end of the economy run);
 * the time they take is added to *paused_ns. Fills j->res. 0, or -ENOMEM
 * when the VM could not be made.
 */
static int vm_run_sliced(struct worker *w, struct job *j, const struct vm_limits *lim,
			 uint64_t *paused_ns)
{
	struct vm *vm = vm_new(j->local_st ? j->local_st : j->st, j->sig.root, lim, NULL);
	int stopped = 0;

	if (!vm)
		return -ENOMEM;
	while (vm_step(vm, RT_SLICE_FUEL) == VM_STEP_YIELD) {
		if (atomic_load_explicit(&j->handed_back, memory_order_relaxed))
			break; /* cancelled (another replica answered) or handed back */
		if (j->deadline_ns && wall_ns() >= j->deadline_ns) {
			stopped = 1;
			break;
		}
		if (j->cls == RT_DQ_ECON) {
			struct job *pj;
			uint64_t t0 = 0;

			while ((pj = rt_sched_preempt(w))) {
				if (!t0)
					t0 = clock_now_ns();
				if (w->c->cfg.verbose)
					cxp_log("tasklet %016llx (economy) paused for priority "
						"tasklet %016llx",
						(unsigned long long)j->sig.tasklet_id,
						(unsigned long long)pj->sig.tasklet_id);
				run_claimed(w, pj);
			}
			if (t0) {
				*paused_ns += clock_now_ns() - t0;
				j->preempted++;
				atomic_store_explicit(&w->running, 1, memory_order_relaxed);
				/* running again (tasklet top shows it from here) */
				RT_PROBE_RUN_START(w->idx, j->cls, j->sig.tasklet_id);
			}
		}
	}
	if (vm_finish(vm, &j->res) < 0) {
		vm_free(vm);
		return -ENOMEM;
	}
	vm_free(vm);
	j->status = stopped ? cxp_ecode_status(CXP_E_DEADLINE) : 0;
	return 0;
}

/* The CostLimit of j, or -1 when it has none. */
static int64_t cost_limit(const struct job *j)
{
	const struct vm_qos_param *p =
		vm_qos_param(j->sig.qos, j->sig.nqos, VM_QOS_COST_LIMIT, 0, VM_QOS_P_INT);

	return p ? p->i : -1;
}

static void run_job(struct worker *w, struct job *j)
{
	struct rt_container *c = w->c;
	struct vm_limits lim = { .fuel = c->cfg.fuel, .seed = j->sig.seed,
				 .start_ms = j->sig.start_ns / 1000000 };
	int64_t climit = cost_limit(j);
	uint64_t t0, budget = 0, paused = 0;

	/* CostLimit(c) is a fuel budget: c million divided by the price per
	 * million fuel. The VM stops the run when it is spent. */
	if (climit >= 0 && c->cfg.price) {
		uint64_t def = c->cfg.fuel ? c->cfg.fuel : VM_DEFAULT_FUEL;

		budget = (uint64_t)climit * 1000000ull / c->cfg.price;
		if (budget < 1)
			budget = 1;
		if (budget < def)
			lim.fuel = budget;
		else
			budget = 0; /* the container's own bound is the tighter one */
	}

	if (j->inject_delay_ns) { /* --inject delay: a slow host, the worker held */
		struct timespec ts = { (time_t)(j->inject_delay_ns / 1000000000ull),
				       (long)(j->inject_delay_ns % 1000000000ull) };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	j->ran_on = w->idx;
	j->start_seq = atomic_fetch_add_explicit(&c->starts, 1, memory_order_relaxed) + 1;
	atomic_store_explicit(&w->running, 1, memory_order_relaxed);
	RT_PROBE_RUN_START(w->idx, j->cls, j->sig.tasklet_id);
	if (c->cfg.verbose)
		cxp_log("tasklet %016llx started (%s) after %.3f ms queued%s",
			(unsigned long long)j->sig.tasklet_id,
			j->cls == RT_DQ_PRIO ? "priority" : "economy", (double)j->wait_ns / 1e6,
			j->worker != w->idx ? ", stolen" : "");
	t0 = clock_now_ns();
	if (j->deadline_ns && wall_ns() >= j->deadline_ns) {
		j->status = cxp_ecode_status(CXP_E_DEADLINE);
		snprintf(j->fail_msg, sizeof(j->fail_msg),
			 "deadline missed: it passed %.3f ms before the Tasklet could start",
			 (double)(wall_ns() - j->deadline_ns) / 1e6);
	} else if (vm_run_sliced(w, j, &lim, &paused) < 0) {
		j->status = cxp_ecode_status(CXP_E_INTERNAL);
		snprintf(j->fail_msg, sizeof(j->fail_msg), "container %s: VM could not start",
			 c->cfg.name);
	} else if (j->status == cxp_ecode_status(CXP_E_DEADLINE)) {
		snprintf(j->fail_msg, sizeof(j->fail_msg),
			 "deadline missed: stopped after %llu fuel, %.3f ms in the VM (a late "
			 "result is useless)",
			 (unsigned long long)j->res.fuel_used,
			 (double)(clock_now_ns() - t0 - paused) / 1e6);
	} else {
		j->status = (uint32_t)j->res.status;
		if (j->status == VM_ERR_FUEL && budget)
			snprintf(j->fail_msg, sizeof(j->fail_msg),
				 "CostLimit(%lld) reached: %llu fuel at price %u per million fuel "
				 "costs %.6f, more than the limit",
				 (long long)climit, (unsigned long long)j->res.fuel_used,
				 c->cfg.price, (double)j->res.fuel_used * c->cfg.price / 1e6);
	}
	j->run_ns = clock_now_ns() - t0 - paused; /* its own time, not the priority runs' */
	atomic_store_explicit(&w->running, 0, memory_order_relaxed);
	RT_PROBE_RUN_END(w->idx, j->cls, j->sig.tasklet_id, j->status, j->run_ns);
	if (c->cfg.verbose)
		cxp_log("tasklet %016llx %s (%s) in %.3f ms after %.3f ms queued, fuel %llu%s",
			(unsigned long long)j->sig.tasklet_id, j->status == 0 ? "ran" : "failed",
			j->cls == RT_DQ_PRIO ? "priority" : "economy", (double)j->run_ns / 1e6,
			(double)j->wait_ns / 1e6, (unsigned long long)j->res.fuel_used,
			j->preempted ? ", paused for priority Tasklets" : "");
}

/* Claim j (the I/O thread may have answered it while it was queued: its
 * deadline passed; then it is only freed), run it, and hand it to the I/O
 * thread for delivery. */
static void run_claimed(struct worker *w, struct job *j)
{
	int queued = J_QUEUED;

	if (atomic_compare_exchange_strong(&j->state, &queued, J_RUNNING)) {
		j->wait_ns = w->last_wait_ns;
		run_job(w, j);
	}
	if (cxp_loop_post(w->c->loop, finished, j) < 0)
		rt_job_free(j); /* ENOMEM: the trader reports it lost when we go */
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct rt_container *c = w->c;
	char role[48];
	struct job *j;

	snprintf(role, sizeof(role), "%s/w%u", c->cfg.name, w->idx);
	cxp_log_role(role);
	while (!atomic_load(&c->stopping)) {
		j = rt_sched_next(w);
		if (!j) {
			uint32_t key;

			if (atomic_load(&c->stopping))
				break;
			/* Announce, re-check everything, then sleep (dq.h's protocol). */
			key = rt_park_prepare(&w->q.park);
			atomic_fetch_add(&c->parked, 1);
			j = rt_sched_next(w);
			if (!j && !atomic_load(&c->stopping))
				rt_park_wait(&w->q.park, key, NULL);
			else
				rt_park_cancel(&w->q.park);
			atomic_fetch_sub(&c->parked, 1);
			if (!j)
				continue;
		}
		run_claimed(w, j);
	}
	return NULL;
}

/* The CPUs this process may run on, in order. */
static int allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	for (int i = 0; i < CPU_SETSIZE && n < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

int rt_parse_cpus(const char *list, int *cpus, int max)
{
	const char *p = list;
	int n = 0;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p || a < 0 || a >= CPU_SETSIZE)
			return -EINVAL;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b >= CPU_SETSIZE)
				return -EINVAL;
			p = end;
		}
		for (long i = a; i <= b; i++) {
			if (n == max)
				return -EINVAL;
			cpus[n++] = (int)i;
		}
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	return n ? n : -EINVAL;
}

int rt_workers_start(struct rt_container *c)
{
	int *cpus = calloc(CPU_SETSIZE, sizeof(int));
	int ncpus, rc = 0;

	if (!cpus)
		return -ENOMEM;
	ncpus = c->cfg.cpus[0] ? rt_parse_cpus(c->cfg.cpus, cpus, CPU_SETSIZE)
			       : allowed_cpus(cpus, CPU_SETSIZE);
	if (ncpus <= 0) {
		cxp_log("bad CPU list '%s' (want e.g. 0-3,6)", c->cfg.cpus);
		free(cpus);
		return -EINVAL;
	}
	c->nworkers = c->cfg.workers ? c->cfg.workers : (unsigned)ncpus;
	if (c->nworkers > RT_MAX_WORKERS)
		c->nworkers = RT_MAX_WORKERS;
	c->w = calloc(c->nworkers, sizeof(*c->w));
	if (!c->w) {
		free(cpus);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < c->nworkers; i++) {
		struct worker *w = &c->w[i];

		w->c = c;
		w->idx = i;
		w->cpu = c->cfg.no_pin ? -1 : cpus[i % (unsigned)ncpus];
		rc = rt_dq_init(&w->q, c->cfg.queue_max, 1);
		if (rc < 0)
			goto fail;
	}
	for (unsigned i = 0; i < c->nworkers; i++) {
		struct worker *w = &c->w[i];
		pthread_attr_t at;
		char name[16];

		pthread_attr_init(&at);
		if (w->cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(w->cpu, &set);
			pthread_attr_setaffinity_np(&at, sizeof(set), &set);
		}
		rc = -pthread_create(&w->th, &at, worker_main, w);
		pthread_attr_destroy(&at);
		if (rc) {
			cxp_log("cannot start worker %u%s: %s", i,
				w->cpu >= 0 ? " (pinned to a CPU outside this process's set?)" : "",
				strerror(-rc));
			goto fail;
		}
		w->started = 1;
		snprintf(name, sizeof(name), "tl-w%u", i);
		pthread_setname_np(w->th, name);
	}
	free(cpus);
	return 0;
fail:
	free(cpus);
	rt_workers_stop(c);
	return rc;
}

void rt_workers_stop(struct rt_container *c)
{
	atomic_store(&c->stopping, 1);
	for (unsigned i = 0; i < c->nworkers; i++)
		rt_park_notify(&c->w[i].q.park);
	for (unsigned i = 0; i < c->nworkers; i++) {
		if (c->w[i].started)
			pthread_join(c->w[i].th, NULL);
		c->w[i].started = 0;
	}
}

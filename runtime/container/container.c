/* SPDX-License-Identifier: MIT */
/*
 * The container daemon's life: start (I/O thread, workers), the I/O
 * thread's 100 ms tick, the graceful drain, and stop. See container_int.h
 * for the parts and the life of a job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "runtime/container/container_int.h"

#define TICK_MS 100

/* Drain: hand back what is fetching or queued; at the deadline, what still runs. */
static void drain_step(struct rt_container *c, uint64_t now_ms)
{
	struct job *j, *tmp, *batch[256];
	unsigned n, left = 0;
	int acks = 0;

	HASH_ITER(hh, c->jobs, j, tmp) {
		if (atomic_load_explicit(&j->state, memory_order_relaxed) == J_FETCHING && j->link) {
			rt_fetch_cancel(j);
			rt_trader_handback(c, j);
		}
	}
	while ((n = rt_sched_take_all(c, batch, 256)))
		for (unsigned i = 0; i < n; i++) {
			if (atomic_load(&batch[i]->handed_back))
				rt_job_free(batch[i]); /* answered or cancelled while queued */
			else
				rt_trader_handback(c, batch[i]);
		}
	if (now_ms >= c->drain_deadline_ms) {
		HASH_ITER(hh, c->jobs, j, tmp) {
			if (atomic_load_explicit(&j->state, memory_order_relaxed) != J_RUNNING ||
			    !j->from_trader || !c->tconn)
				continue;
			/* Still running at the deadline: the trader places it elsewhere; the
			 * worker's result, when it comes, is dropped (worker.c). */
			atomic_store(&j->handed_back, 1);
			cxp_send_id(c->tconn, CXP_MSG_HANDBACK, j->sig.tasklet_id, j->sig.tasklet_id);
			cxp_log("tasklet %016llx still running at the drain deadline: handed back",
				(unsigned long long)j->sig.tasklet_id);
			rt_job_release(c, j);
		}
	}
	left = HASH_COUNT(c->jobs);
	{
		struct app_link *k, *ktmp;

		HASH_ITER(hh, c->links, k, ktmp)
			acks += k->unacked != NULL;
	}
	if ((!left && !acks) || now_ms >= c->drain_deadline_ms) {
		pthread_mutex_lock(&c->mu);
		if (!c->drained)
			cxp_log("drained: %u tasklet%s still held, %d link%s awaiting acknowledgements",
				left, left == 1 ? "" : "s", acks, acks == 1 ? "" : "s");
		c->drained = 1;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
}

/*
 * Deadlines: a Tasklet still fetching or queued when its deadline passes is
 * answered "deadline missed" now, not when a worker reaches it (a running one
 * is stopped by its worker at the next slice).
 */
static void deadline_tick(struct rt_container *c)
{
	struct job *j, *tmp;
	struct timespec ts;
	uint64_t now;

	if (!c->ndeadline)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	HASH_ITER(hh, c->jobs, j, tmp) {
		int st = J_QUEUED;

		if (!j->deadline_ns || now < j->deadline_ns)
			continue;
		if (j->link) { /* fetching */
			rt_fetch_cancel(j);
			rt_deliver_error(c, j, CXP_E_DEADLINE,
					 "deadline missed: it passed while the chunks were fetched");
		} else if (atomic_compare_exchange_strong(&j->state, &st, J_DELIVERING)) {
			rt_deliver_early(c, j, CXP_E_DEADLINE,
					 "deadline missed: it passed while the Tasklet was queued");
		}
	}
}

static void io_tick(void *arg)
{
	struct rt_container *c = arg;
	uint64_t now = clock_now_ms();

	deadline_tick(c);
	rt_trader_tick(c, now);
	rt_fetch_tick(c, now);
	rt_links_tick(c, now);
	rt_redeliver_tick(c, now, 0);
	if (c->draining)
		drain_step(c, now);
	if (RT_PROBE_ENABLED(depth))
		for (unsigned i = 0; i < c->nworkers; i++)
			RT_PROBE_DEPTH(i, rt_dq_depth(&c->w[i].q, RT_DQ_PRIO),
				       rt_dq_depth(&c->w[i].q, RT_DQ_ECON));
	/* Keep ticking while stopping too: a fetch that starts late must still end. */
	cxp_loop_timer(c->loop, TICK_MS, io_tick, c);
}

/*
 * Every RT_SPEED_PERIOD_MS, measure the speed again (vm_measure_speed: the
 * median of five runs of about a millisecond each), on a thread of its own
 * and unpinned, so it competes with the workers as a Tasklet would: a host
 * that slows down (throttled, overloaded) reports it in its next heartbeat
 * and stops matching SpeedMinimum requirements it no longer meets.
 */
#define RT_SPEED_PERIOD_MS 10000

static void *speed_main(void *arg)
{
	struct rt_container *c = arg;

	for (;;) {
		struct timespec ts = clock_deadline(RT_SPEED_PERIOD_MS);
		uint32_t s, old;
		int stop;

		pthread_mutex_lock(&c->mu);
		while (!c->speed_stop && pthread_cond_timedwait(&c->cv, &c->mu, &ts) == 0)
			;
		stop = c->speed_stop;
		pthread_mutex_unlock(&c->mu);
		if (stop)
			return NULL;
		s = vm_measure_speed();
		old = atomic_exchange(&c->speed, s);
		if (c->cfg.verbose || s < old / 2 || s > old * 2)
			cxp_log("speed now %u (was %u)", s, old);
	}
}

static void *io_main(void *arg)
{
	struct rt_container *c = arg;
	int rc;

	cxp_log_role(c->cfg.name);
	rt_trader_connect(c);
	cxp_loop_timer(c->loop, TICK_MS, io_tick, c);
	rc = cxp_loop_run(c->loop);
	if (rc < 0)
		cxp_log("event loop failed: %s", strerror(-rc));
	return NULL;
}

/* The host identity a container registers (FaultTolerance places replicas on
 * distinct hosts): the machine id (/etc/machine-id), else the host name. */
static void rt_host_identity(char *buf, size_t cap)
{
	char id[64] = "";
	FILE *f = fopen("/etc/machine-id", "r");

	if (f) {
		if (!fgets(id, sizeof(id), f))
			id[0] = 0;
		fclose(f);
		id[strcspn(id, " \t\r\n")] = 0;
	}
	if (!id[0] && gethostname(id, sizeof(id) - 1) < 0)
		snprintf(id, sizeof(id), "unknown");
	id[sizeof(id) - 1] = 0;
	snprintf(buf, cap, "%.*s", (int)(cap - 1), id);
}

struct rt_container *rt_container_start(const struct rt_container_config *cfg)
{
	struct rt_container *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return NULL;
	c->cfg = *cfg;
	if (!c->cfg.name[0]) {
		char host[16] = "host";

		gethostname(host, sizeof(host) - 1);
		host[sizeof(host) - 1] = 0;
		snprintf(c->cfg.name, sizeof(c->cfg.name), "%s:%d", host, (int)getpid());
	}
	if (!c->cfg.host[0])
		rt_host_identity(c->cfg.host, sizeof(c->cfg.host));
	if (!c->cfg.queue_max)
		c->cfg.queue_max = 1024;
	if (!c->cfg.drain_timeout_ms)
		c->cfg.drain_timeout_ms = 30000;
	if (c->cfg.economy_share > 100)
		c->cfg.economy_share = 100;
	if (c->cfg.inject[0]) {
		char err[256], desc[160];

		if (rt_inject_parse(c->cfg.inject, &c->inject, err, sizeof(err)) < 0) {
			cxp_log("%s", err);
			free(c);
			errno = EINVAL;
			return NULL;
		}
		rt_inject_describe(&c->inject, desc, sizeof(desc));
		cxp_log("FAULT INJECTION ON (%s): this container drops, delays or dies on purpose",
			desc);
	}
	c->speed_fixed = c->cfg.speed != 0;
	if (!c->cfg.speed)
		c->cfg.speed = vm_measure_speed();
	atomic_store(&c->speed, c->cfg.speed);
	pthread_mutex_init(&c->mu, NULL);
	rt_sched_init(c);
	pthread_cond_init(&c->cv, NULL);
	c->loop = cxp_loop_new();
	if (!c->loop) {
		rc = -errno;
		cxp_log("cannot create the event loop: %s", strerror(errno));
		goto err_free;
	}
	cxp_log("io_uring: %s", cxp_loop_features(c->loop));
	if (cfg->limits && (rc = cxp_loop_set_limits(c->loop, cfg->limits)) < 0) {
		cxp_log("bad connection limits");
		goto err_loop;
	}
	if (cfg->listen[0]) {
		rc = cfg->tls ? cxp_listen_tls(c->loop, cfg->listen, cfg->tls, &rt_direct_handlers, c,
					       c->listen_bound, sizeof(c->listen_bound))
			      : cxp_listen(c->loop, cfg->listen, &rt_direct_handlers, c,
					   c->listen_bound, sizeof(c->listen_bound));
		if (rc < 0) {
			cxp_log("cannot listen on %s: %s", cfg->listen, strerror(-rc));
			goto err_loop;
		}
	}
	rc = rt_workers_start(c);
	if (rc < 0)
		goto err_loop;
	/* What the trader may hand us at once: every queue slot of the class
	 * (a Tasklet holds its slot from admission, through the fetch, to its result). */
	c->capacity[RT_DQ_PRIO] = c->cfg.no_priority ? 0 : c->nworkers * c->cfg.queue_max;
	c->capacity[RT_DQ_ECON] = c->nworkers * c->cfg.queue_max;
	rc = -pthread_create(&c->io, NULL, io_main, c);
	if (rc)
		goto err_workers;
	atomic_store(&c->io_started, 1);
	if (!c->speed_fixed && pthread_create(&c->speed_th, NULL, speed_main, c) == 0)
		c->speed_started = 1;
	return c;

err_workers:
	rt_workers_stop(c);
	for (unsigned i = 0; i < c->nworkers; i++)
		rt_dq_destroy(&c->w[i].q);
	free(c->w);
err_loop:
	cxp_loop_free(c->loop);
err_free:
	rt_sched_fini(c);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
	errno = -rc;
	return NULL;
}

/* Wait until *flag (guarded by c->mu) is set: 0, or -ETIMEDOUT. */
static int wait_flag(struct rt_container *c, const int *flag, int timeout_ms)
{
	struct timespec ts = clock_deadline(timeout_ms);
	int rc = 0;

	pthread_mutex_lock(&c->mu);
	while (!*flag && rc == 0)
		rc = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	rc = *flag ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int rt_container_wait_registered(struct rt_container *c, int timeout_ms)
{
	return wait_flag(c, &c->registered, timeout_ms);
}

const char *rt_container_listen_addr(const struct rt_container *c)
{
	return c->listen_bound;
}

static void drain_begin(void *arg)
{
	struct rt_container *c = arg;

	if (c->draining)
		return;
	c->draining = 1;
	c->drain_deadline_ms = clock_now_ms() + c->cfg.drain_timeout_ms;
	cxp_log("draining: taking no more work, handing %u queued tasklet%s back, waiting up to "
		"%u ms for %u running",
		rt_sched_depth(c, RT_DQ_PRIO) + rt_sched_depth(c, RT_DQ_ECON),
		rt_sched_depth(c, RT_DQ_PRIO) + rt_sched_depth(c, RT_DQ_ECON) == 1 ? "" : "s",
		c->cfg.drain_timeout_ms, rt_sched_running(c));
	rt_trader_draining(c);
	drain_step(c, clock_now_ms());
}

void rt_container_drain(struct rt_container *c)
{
	if (cxp_loop_post(c->loop, drain_begin, c) < 0)
		cxp_log("cannot start the drain: out of memory");
}

int rt_container_wait_drained(struct rt_container *c, int timeout_ms)
{
	return wait_flag(c, &c->drained, timeout_ms);
}

static void local_place(void *arg)
{
	struct job *j = arg;
	struct rt_container *c = j->c;

	HASH_ADD(hh, c->jobs, sig.tasklet_id, sizeof(j->sig.tasklet_id), j);
	c->held[j->cls]++;
	rt_sched_place(c, j);
}

int rt_container_run_local(struct rt_container *c, const struct vm_store *st, uint64_t root,
			   int priority, void (*done)(void *arg, const struct rt_local_result *r),
			   void *arg)
{
	static _Atomic uint64_t next_id = 1ull << 63; /* apart from the trader's ids */
	struct job *j;

	if (atomic_load(&c->stopping))
		return -ESHUTDOWN;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->c = c;
	j->sig.tasklet_id = atomic_fetch_add(&next_id, 1);
	j->sig.root = root;
	j->cls = priority && !c->cfg.no_priority ? RT_DQ_PRIO : RT_DQ_ECON;
	j->local_st = st;
	j->local_done = done;
	j->local_arg = arg;
	if (cxp_loop_post(c->loop, local_place, j) < 0) {
		free(j);
		return -ENOMEM;
	}
	return 0;
}

static void stop_loop(void *arg)
{
	cxp_loop_stop(arg);
}

/* I/O thread, workers joined: answer what is left, close the links, then stop. */
static void close_all(void *arg)
{
	struct rt_container *c = arg;
	struct job *j, *tmp, *batch[256];
	unsigned n;

	while ((n = rt_sched_take_all(c, batch, 256)))
		for (unsigned i = 0; i < n; i++)
			rt_deliver_error(c, batch[i], CXP_E_LOST,
					 "container %s shut down before running the tasklet",
					 c->cfg.name);
	HASH_ITER(hh, c->jobs, j, tmp) {
		if (atomic_load_explicit(&j->state, memory_order_relaxed) == J_FETCHING) {
			rt_fetch_cancel(j);
			rt_deliver_error(c, j, CXP_E_LOST, "container %s is shutting down",
					 c->cfg.name);
		}
	}
	/* Unacknowledged results are reported to the trader as the links close,
	 * so the trader link goes last. */
	c->closing_links = 1;
	rt_redeliver_tick(c, clock_now_ms(), 1);
	rt_links_close(c);
	if (c->tconn)
		cxp_close(c->tconn, 0);
	/* Let queued results and DONE frames drain before the loop stops. */
	cxp_loop_timer(c->loop, 200, stop_loop, c->loop);
}

void rt_container_stop(struct rt_container *c)
{
	struct job *j, *tmp;

	if (!c)
		return;
	if (c->speed_started) {
		pthread_mutex_lock(&c->mu);
		c->speed_stop = 1;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->speed_th, NULL);
	}
	rt_workers_stop(c);
	if (cxp_loop_post(c->loop, close_all, c) < 0)
		cxp_loop_stop(c->loop);
	atomic_store(&c->io_started, 0);
	pthread_join(c->io, NULL);
	cxp_loop_free(c->loop);
	HASH_ITER(hh, c->jobs, j, tmp) {
		HASH_DEL(c->jobs, j);
		rt_job_free(j);
	}
	rt_sched_fini(c);
	rt_fetch_free(c);
	for (unsigned i = 0; i < c->nworkers; i++)
		rt_dq_destroy(&c->w[i].q);
	free(c->w);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

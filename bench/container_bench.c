/* SPDX-License-Identifier: MIT */
/*
 * The container fed locally (bench/container.sh takes the medians): no
 * trader, no network; Tasklets go straight to a real container's workers
 * through rt_container_run_local, so what is timed is the container's own
 * path: placement, the lock-free queues, parking and waking, the workers,
 * the hand-back to the I/O thread.
 *
 *   container_bench --vm -n N
 *       the anchor: vm_run of the same no-op Tasklet N times in one thread
 *       (what the VM alone costs per Tasklet)
 *   container_bench --workers W -n N [--window K]
 *       N no-op Tasklets through a container of W workers (pinned to CPUs
 *       0..W-1), K in flight: each one finished submits the next, from the
 *       container's I/O thread (a closed loop with no feeder thread)
 *   container_bench --flood --workers W -n N [--econ-iters I] [--no-preempt]
 *       priority waiting time while economy is flooded: the economy queues
 *       are kept full of Tasklets of I loop iterations (20000: about
 *       200 us); a priority Tasklet is added every ~2 ms; prints the
 *       priority and economy queue times measured by the container itself
 *       (tl queue_ns). --no-preempt: economy runs in progress are not
 *       paused for priority Tasklets (as before they were)
 *
 * Output, one line: "tps X ns_per Y" or "prio_p50_us A prio_p99_us B
 * econ_p50_us C n_prio D".
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "common/clock.h"
#include "cxp/cxp.h"
#include "runtime/container/container.h"
#include "vm/vm.h"

struct feed {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned long done, inflight;
	unsigned long bad;
	uint64_t *prio_q, *econ_q;
	unsigned long nprio, necon, cap;
};

struct tag {
	struct feed *f;
	int prio;
};

/* Closed loop on the container's own I/O thread: each finished no-op
 * Tasklet submits the next one, so no feeder thread stands between them. */
struct loop_feed {
	struct rt_container *c;
	const struct vm_store *st;
	uint64_t root;
	unsigned long n, sent, done, bad;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int finished;
};

static void loop_done(void *arg, const struct rt_local_result *r)
{
	struct loop_feed *lf = arg;

	if (r->status != VM_OK)
		lf->bad++;
	lf->done++;
	if (lf->sent < lf->n) {
		lf->sent++;
		if (rt_container_run_local(lf->c, lf->st, lf->root, 0, loop_done, lf) < 0)
			lf->bad++;
	}
	if (lf->done == lf->n) {
		pthread_mutex_lock(&lf->mu);
		lf->finished = 1;
		pthread_cond_signal(&lf->cv);
		pthread_mutex_unlock(&lf->mu);
	}
}

static void on_done(void *arg, const struct rt_local_result *r)
{
	struct tag *t = arg;
	struct feed *f = t->f;

	pthread_mutex_lock(&f->mu);
	if (r->status != VM_OK)
		f->bad++;
	if (t->prio && f->prio_q && f->nprio < f->cap)
		f->prio_q[f->nprio++] = r->queue_ns;
	else if (!t->prio && f->econ_q && f->necon < f->cap)
		f->econ_q[f->necon++] = r->queue_ns;
	f->done++;
	f->inflight--;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	free(t);
}

static int compile(struct vm_store *st, const char *src, uint64_t *root)
{
	char err[256];

	if (jsl_compile(st, "bench.jsl", src, strlen(src), root, err, sizeof(err)) < 0) {
		fprintf(stderr, "container_bench: %s\n", err);
		return -1;
	}
	return 0;
}

static int submit(struct rt_container *c, struct feed *f, const struct vm_store *st,
		  uint64_t root, int prio)
{
	struct tag *t = malloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->f = f;
	t->prio = prio;
	pthread_mutex_lock(&f->mu);
	f->inflight++;
	pthread_mutex_unlock(&f->mu);
	return rt_container_run_local(c, st, root, prio, on_done, t);
}

static void wait_inflight_below(struct feed *f, unsigned long k)
{
	pthread_mutex_lock(&f->mu);
	while (f->inflight >= k)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", no_argument, NULL, 'V' },      { "flood", no_argument, NULL, 'F' },
		{ "workers", required_argument, NULL, 'w' },
		{ "window", required_argument, NULL, 'k' },
		{ "no-steal-priority", no_argument, NULL, 'S' },
		{ "no-preempt", no_argument, NULL, 'P' },
		{ "econ-iters", required_argument, NULL, 'I' },
		{ 0 },
	};
	struct rt_container_config cfg = { .trader = "127.0.0.1:9", .speed = 1, .queue_max = 4096 };
	unsigned long n = 100000, window = 1024, workers = 1, econ_iters = 20000;
	struct feed f = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
	struct vm_store *st = vm_store_new(0);
	uint64_t root, eroot, t0, t1;
	struct rt_container *c;
	int opt, mode = 0;

	while ((opt = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (opt) {
		case 'V': mode = 'V'; break;
		case 'F': mode = 'F'; break;
		case 'w': workers = strtoul(optarg, NULL, 10); break;
		case 'k': window = strtoul(optarg, NULL, 10); break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'S': cfg.no_steal_priority = 1; break;
		case 'P': cfg.no_preempt = 1; break;
		case 'I': econ_iters = strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!st || compile(st, "0;\n", &root) < 0)
		return 1;
	cxp_log_quiet(1);
	if (mode == 'V') {
		struct vm_limits lim = { 0 };

		t0 = clock_now_ns();
		for (unsigned long i = 0; i < n; i++) {
			struct vm_result r = { 0 };

			if (vm_run(st, root, &lim, &r) < 0 || r.status != VM_OK)
				return 1;
			vm_result_free(&r);
		}
		t1 = clock_now_ns();
		printf("tps %.0f ns_per %.1f\n", (double)n * 1e9 / (double)(t1 - t0),
		       (double)(t1 - t0) / (double)n);
		return 0;
	}
	cfg.workers = (unsigned)workers;
	snprintf(cfg.cpus, sizeof(cfg.cpus), "0-%lu", workers - 1);
	c = rt_container_start(&cfg);
	if (!c) {
		fprintf(stderr, "container_bench: cannot start a container: %s\n", strerror(errno));
		return 1;
	}
	if (mode == 'F') {
		/* Economy Tasklets of econ_iters iterations; a priority no-op every ~2 ms. */
		unsigned long sent = 0;
		uint64_t next_prio;
		char esrc[96];

		snprintf(esrc, sizeof(esrc), "let i = 0; while (i < %lu) { i = i + 1; } i;\n",
			 econ_iters);
		if (compile(st, esrc, &eroot) < 0)
			return 1;
		f.cap = n;
		f.prio_q = calloc(n, sizeof(uint64_t));
		f.econ_q = calloc(n * 100, sizeof(uint64_t));
		f.cap = n * 100;
		if (!f.prio_q || !f.econ_q)
			return 1;
		t0 = clock_now_ns();
		next_prio = t0 + 2000000;
		while (f.nprio < n) {
			uint64_t now = clock_now_ns();

			/* keep 64 economy Tasklets per worker queued */
			pthread_mutex_lock(&f.mu);
			while (f.inflight < 64 * workers) {
				pthread_mutex_unlock(&f.mu);
				if (submit(c, &f, st, eroot, 0) < 0)
					return 1;
				pthread_mutex_lock(&f.mu);
			}
			pthread_mutex_unlock(&f.mu);
			if (now >= next_prio && sent < n) {
				if (submit(c, &f, st, root, 1) < 0)
					return 1;
				sent++;
				next_prio = now + 2000000;
			}
			pthread_mutex_lock(&f.mu);
			if (f.nprio < n) {
				struct timespec ts = clock_deadline(1);

				pthread_cond_timedwait(&f.cv, &f.mu, &ts);
			}
			pthread_mutex_unlock(&f.mu);
		}
		wait_inflight_below(&f, 1);
		qsort(f.prio_q, f.nprio, sizeof(uint64_t), bench_cmp_u64);
		qsort(f.econ_q, f.necon, sizeof(uint64_t), bench_cmp_u64);
		printf("prio_p50_us %.1f prio_p99_us %.1f econ_p50_us %.1f n_prio %lu\n",
		       bench_quantile(f.prio_q, f.nprio, 0.5) / 1e3,
		       bench_quantile(f.prio_q, f.nprio, 0.99) / 1e3,
		       bench_quantile(f.econ_q, f.necon, 0.5) / 1e3, f.nprio);
	} else {
		struct loop_feed lf = { .c = c, .st = st, .root = root, .n = n,
					.mu = PTHREAD_MUTEX_INITIALIZER,
					.cv = PTHREAD_COND_INITIALIZER };

		if (window > n)
			window = n;
		t0 = clock_now_ns();
		lf.sent = window;
		for (unsigned long i = 0; i < window; i++)
			if (rt_container_run_local(c, st, root, 0, loop_done, &lf) < 0)
				return 1;
		pthread_mutex_lock(&lf.mu);
		while (!lf.finished)
			pthread_cond_wait(&lf.cv, &lf.mu);
		pthread_mutex_unlock(&lf.mu);
		t1 = clock_now_ns();
		f.bad += lf.bad;
		printf("tps %.0f ns_per %.1f\n", (double)n * 1e9 / (double)(t1 - t0),
		       (double)(t1 - t0) / (double)n);
	}
	rt_container_stop(c);
	vm_store_free(st);
	if (f.bad) {
		fprintf(stderr, "container_bench: %lu Tasklets failed\n", f.bad);
		return 1;
	}
	return 0;
}
